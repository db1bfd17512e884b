// Allocation churn: about 1.2 GiB of short-lived garbage in 1 MiB blocks and small objects, with a
// small live set (a map, a linked list, recent blocks) that is checked at the end. A collector
// must reclaim the garbage: without one, a 32-bit address space runs out (or the heap runs into
// other memory) long before the end.
package main

import (
	"fmt"
	"os"
	"strconv"
)

type cell struct {
	next *cell
	key  string
	val  []int
}

func fill(b []byte, seed int) {
	for i := 0; i < len(b); i += 512 {
		b[i] = byte(seed + i>>9)
	}
}

func check(b []byte, seed int) bool {
	for i := 0; i < len(b); i += 512 {
		if b[i] != byte(seed+i>>9) {
			return false
		}
	}
	return true
}

func fail(format string, args ...interface{}) {
	fmt.Printf(format+"\n", args...)
	os.Exit(1)
}

func main() {
	// Long-lived structures with pointers, made before the churn.
	var head *cell
	index := map[string]*cell{}
	for i := 0; i < 20000; i++ {
		c := &cell{next: head, key: "k" + strconv.Itoa(i), val: []int{i, i * i}}
		head = c
		index[c.key] = c
	}

	const blocks = 1200
	recent := make([][]byte, 8)
	small := 0
	for i := 0; i < blocks; i++ {
		b := make([]byte, 1<<20)
		fill(b, i)
		slot := i % len(recent)
		if old := recent[slot]; old != nil && !check(old, i-len(recent)) {
			fail("block %d corrupted", i-len(recent))
		}
		recent[slot] = b
		// Some small garbage with pointers, too.
		var tmp []*cell
		for j := 0; j < 64; j++ {
			tmp = append(tmp, &cell{key: "t", val: make([]int, 8)})
		}
		small += len(tmp)
		if i%200 == 0 {
			fmt.Println("churned MiB:", i)
		}
	}
	fmt.Println("churned MiB:", blocks, "small objects:", small)

	n, sum := 0, 0
	for c := head; c != nil; c = c.next {
		if index[c.key] != c || c.val[1] != c.val[0]*c.val[0] {
			fail("long-lived cell %s corrupted", c.key)
		}
		n++
		sum += c.val[0]
	}
	fmt.Println("long-lived cells intact:", n, sum, len(index))
	for i, b := range recent {
		if !check(b, blocks-len(recent)+(i-blocks%len(recent)+len(recent))%len(recent)) {
			fail("recent block %d corrupted", i)
		}
	}
	fmt.Println("recent blocks intact:", len(recent))
}
