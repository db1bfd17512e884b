// A longer-running compute program, also used as a benchmark: a SHA-256 hash chain, a prime sieve
// and an integer matrix product. Usage: compute [chain-iterations] [sieve-limit] [matrix-size].
package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"strconv"
)

func arg(i, def int) int {
	if len(os.Args) > i {
		if n, err := strconv.Atoi(os.Args[i]); err == nil {
			return n
		}
	}
	return def
}

func main() {
	iters := arg(1, 200000)
	limit := arg(2, 2000000)
	size := arg(3, 64)

	h := sha256.Sum256([]byte("zkmips"))
	for i := 0; i < iters; i++ {
		h = sha256.Sum256(h[:])
	}
	fmt.Printf("sha256 chain of %d: %s\n", iters, hex.EncodeToString(h[:]))

	composite := make([]bool, limit+1)
	count, last := 0, 0
	var sum uint64
	for i := 2; i <= limit; i++ {
		if composite[i] {
			continue
		}
		count++
		last = i
		sum += uint64(i)
		if i > limit/i {
			continue
		}
		for j := i * i; j <= limit; j += i {
			composite[j] = true
		}
	}
	fmt.Printf("primes up to %d: %d, largest %d, sum %d\n", limit, count, last, sum)

	a := make([]uint32, size*size)
	b := make([]uint32, size*size)
	c := make([]uint32, size*size)
	for i := range a {
		a[i] = (uint32(i) * 2654435761) >> 7
		b[i] = uint32(i)*40503 ^ 0x9e3779b9
	}
	for i := 0; i < size; i++ {
		for k := 0; k < size; k++ {
			aik := a[i*size+k]
			for j := 0; j < size; j++ {
				c[i*size+j] += aik * b[k*size+j]
			}
		}
	}
	var trace, xor uint32
	for i := 0; i < size; i++ {
		trace += c[i*size+i]
	}
	for _, v := range c {
		xor ^= v
	}
	fmt.Printf("matrix %dx%d: trace %08x xor %08x\n", size, size, trace, xor)
}
