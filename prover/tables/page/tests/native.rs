//! The native commitment against a naive recomputation, and incremental updates.

use plonky2::field::types::Field;
use plonky2::hash::hash_types::HashOut;
use plonky2::hash::poseidon::{Poseidon, PoseidonHash};
use plonky2::plonk::config::Hasher;
use rand::{Rng, SeedableRng};
use zkmips_table_page::native::{hash_page, Page, PAGE_BYTES};
use zkmips_table_page::{MemoryImage, F, PAGE_WORDS, TREE_DEPTH};

/// Root computed from scratch, without caches: every non-empty subtree hashed recursively, empty
/// ones from a freshly computed chain of zero hashes.
fn naive_root(pages: &[(u32, Page)]) -> [F; 4] {
    let zero_leaf = PoseidonHash::hash_no_pad(&vec![F::ZERO; PAGE_WORDS]);
    let mut zeros = vec![zero_leaf];
    for l in 0..TREE_DEPTH {
        zeros.push(PoseidonHash::two_to_one(zeros[l], zeros[l]));
    }
    fn node(pages: &[(u32, Page)], zeros: &[HashOut<F>], level: usize, index: u64) -> HashOut<F> {
        let lo = index << level;
        let hi = (index + 1) << level;
        let inside: Vec<_> = pages.iter().filter(|(p, _)| (lo..hi).contains(&(*p as u64))).collect();
        if inside.is_empty() {
            return zeros[level];
        }
        if level == 0 {
            let elems: Vec<F> = inside[0].1.iter().map(|&w| F::from_canonical_u32(w)).collect();
            return PoseidonHash::hash_no_pad(&elems);
        }
        let l = node(pages, zeros, level - 1, 2 * index);
        let r = node(pages, zeros, level - 1, 2 * index + 1);
        PoseidonHash::two_to_one(l, r)
    }
    node(pages, &zeros, TREE_DEPTH, 0).elements
}

#[test]
fn page_hash_is_a_rate_8_sponge() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let page: Page = core::array::from_fn(|_| rng.gen());
    let mut state = [F::ZERO; 12];
    for chunk in page.chunks(8) {
        for (s, &w) in state.iter_mut().zip(chunk) {
            *s = F::from_canonical_u32(w);
        }
        state = F::poseidon(state);
    }
    assert_eq!(hash_page(&page).elements, state[0..4]);
}

#[test]
fn empty_image_root() {
    assert_eq!(MemoryImage::new().root(), naive_root(&[]));
}

#[test]
fn small_image_root_matches_naive() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(2);
    let words: Vec<(u32, u32)> = (0..200)
        .map(|i| {
            let addr = match i % 4 {
                0 => rng.gen::<u32>() & !3,
                1 => (i * 4) as u32,
                2 => 0xffff_fffc - 4 * i as u32,
                _ => 0x8000_0000 + 4 * rng.gen_range(0..4096),
            };
            (addr, rng.gen())
        })
        .collect();
    let image = MemoryImage::from_words(words.iter().copied());
    let mut pages: Vec<(u32, Page)> = image.page_indices().map(|p| (p, image.page(p))).collect();
    pages.sort_by_key(|p| p.0);
    assert_eq!(image.root(), naive_root(&pages));
    for &(addr, _) in &words {
        let (p, off) = zkmips_table_page::native::split_addr(addr);
        assert_eq!(image.page(p)[off], image.word(addr));
    }
    assert_eq!(words.last().map(|&(a, v)| image.word(a) == v), Some(true));
}

#[test]
fn incremental_update_matches_from_scratch() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(3);
    let mut words: Vec<(u32, u32)> = (0..300).map(|_| (rng.gen::<u32>() & 0x00ff_fffc, rng.gen())).collect();
    let mut image = MemoryImage::from_words(words.iter().copied());
    for round in 0..5 {
        for _ in 0..20 {
            let addr = if rng.gen() { words[rng.gen_range(0..words.len())].0 } else { rng.gen::<u32>() & !3 };
            let value = if round == 4 { 0 } else { rng.gen() };
            image.update(addr, value);
            words.push((addr, value));
        }
        // Lazy root (dirty pages) and flushed root agree with a fresh image.
        let fresh = MemoryImage::from_words(words.iter().copied());
        assert_eq!(image.root(), fresh.root());
        image.flush();
        assert!(!image.is_dirty());
        assert_eq!(image.root(), fresh.root());
    }
    // Writing the same value is not a change.
    let before = image.root();
    image.update(words[0].0, image.word(words[0].0));
    assert!(!image.is_dirty());
    assert_eq!(image.root(), before);
}

#[test]
fn zero_page_is_the_empty_leaf() {
    // A page written back to zero hashes like a never-touched one.
    let mut image = MemoryImage::from_words([(5 * PAGE_BYTES as u32, 7)]);
    image.update(5 * PAGE_BYTES as u32, 0);
    assert_eq!(image.root(), MemoryImage::new().root());
}
