use alloy_primitives::{hex, Bytes};
use zkmips_executor::{BlockInput, ChainConfig, Fork};

fn b(v: &serde_json::Value) -> Bytes { hex::decode(v.as_str().unwrap()).unwrap().into() }

#[test]
fn scratch() {
    for f in std::env::var("FIXTURES").unwrap().split(',') {
        let text = std::fs::read_to_string(f).unwrap();
        let cases: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text).unwrap();
        for (name, case) in cases {
            let fork = Fork::from_name(case["network"].as_str().unwrap()).unwrap();
            let chain = ChainConfig::all_active_from_genesis(1, fork);
            let (_, nodes, codes) = zkmips_geth::fixtures::state_from_alloc(&case["pre"]).unwrap();
            let genesis = b(&case["genesisRLP"]);
            let mut buf = &genesis[..];
            let _ = alloy_rlp::Header::decode(&mut buf).unwrap();
            let gh: alloy_consensus::Header = alloy_rlp::Decodable::decode(&mut buf).unwrap();
            let block = &case["blocks"][0];
            let input = BlockInput { chain, block: b(&block["rlp"]), ancestors: vec![alloy_rlp::encode(&gh).into()], nodes, codes };
            println!("{name}: expect {:?}: {:?}", block.get("expectException"), zkmips_executor::execute_block(&input).err());
        }
    }
}
