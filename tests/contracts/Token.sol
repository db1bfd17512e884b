// SPDX-License-Identifier: MIT
// A minimal ERC-20 for the block-proving figures (tests/src/anvil.rs, `token_call_blocks`): the
// deployer gets the whole supply; `transfer` moves tokens and logs `Transfer`. No allowances: the
// blocks only need many ordinary contract calls that read and write storage and emit logs.
pragma solidity 0.8.37;

contract Token {
    string public constant name = "zkMIPS Test Token";
    string public constant symbol = "ZKT";
    uint8 public constant decimals = 18;

    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;

    event Transfer(address indexed from, address indexed to, uint256 value);

    error InsufficientBalance(address from, uint256 balance, uint256 needed);

    constructor(uint256 supply) {
        totalSupply = supply;
        balanceOf[msg.sender] = supply;
        emit Transfer(address(0), msg.sender, supply);
    }

    function transfer(address to, uint256 value) external returns (bool) {
        uint256 balance = balanceOf[msg.sender];
        if (balance < value) revert InsufficientBalance(msg.sender, balance, value);
        unchecked {
            balanceOf[msg.sender] = balance - value;
        }
        balanceOf[to] += value;
        emit Transfer(msg.sender, to, value);
        return true;
    }
}
