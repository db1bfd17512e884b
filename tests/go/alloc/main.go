// Allocation pressure without explicit collection: the runtime's own heap-triggered GC (if any) must
// keep every live object intact while lots of garbage is produced.
package main

import (
	"fmt"
	"strconv"
	"strings"
)

type node struct {
	left, right *node
	val         int
}

func build(depth, val int) *node {
	if depth == 0 {
		return &node{val: val}
	}
	return &node{left: build(depth-1, 2*val), right: build(depth-1, 2*val+1), val: val}
}

func (n *node) sum() int {
	if n.left == nil {
		return n.val
	}
	return n.val + n.left.sum() + n.right.sum()
}

type item struct {
	id   int
	name string
	tags []string
	next *item
}

func main() {
	// A long-lived tree that must survive all the garbage below.
	keep := build(14, 1)
	fmt.Println("long-lived tree sum:", keep.sum())

	// Many short-lived trees.
	total := 0
	for i := 0; i < 40; i++ {
		t := build(10, i)
		total += t.sum()
	}
	fmt.Println("short-lived trees total:", total)

	// A linked list of structs with strings and slices.
	var head *item
	for i := 0; i < 50000; i++ {
		it := &item{id: i, name: "item-" + strconv.Itoa(i), next: head}
		if i%7 == 0 {
			it.tags = []string{"seven", strconv.Itoa(i / 7)}
		}
		head = it
	}
	count, tags, nameLen := 0, 0, 0
	for it := head; it != nil; it = it.next {
		count++
		tags += len(it.tags)
		nameLen += len(it.name)
	}
	fmt.Println("list:", count, "tags:", tags, "name bytes:", nameLen)

	// Large slices, allocated and dropped several times.
	for round := 0; round < 5; round++ {
		big := make([]uint32, 2<<20) // 8 MiB
		for i := range big {
			big[i] = uint32(i*round) ^ 0x5a5a5a5a
		}
		var x uint32
		for i := 0; i < len(big); i += 4099 {
			x += big[i]
		}
		fmt.Printf("round %d: len %d checksum %08x\n", round, len(big), x)
	}

	// Growing slices by append and building strings.
	var parts []string
	var sb strings.Builder
	for i := 0; i < 20000; i++ {
		parts = append(parts, fmt.Sprintf("%d", i*i))
		if i%1000 == 0 {
			sb.WriteString(parts[len(parts)-1])
			sb.WriteByte(',')
		}
	}
	joined := strings.Join(parts, "")
	fmt.Println("parts:", len(parts), "joined length:", len(joined), "sample:", sb.String())

	// Many small byte slices kept in a table, half replaced.
	table := make([][]byte, 4096)
	for i := range table {
		table[i] = make([]byte, 16+i%64)
		table[i][0] = byte(i)
	}
	for r := 0; r < 8; r++ {
		for i := r % 2; i < len(table); i += 2 {
			table[i] = make([]byte, 16+(i+r)%200)
			table[i][0] = byte(i + r)
		}
	}
	sum := 0
	for _, b := range table {
		sum += len(b) + int(b[0])
	}
	fmt.Println("table checksum:", sum)

	fmt.Println("long-lived tree still:", keep.sum())
}
