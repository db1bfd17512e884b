// Explicit collections: runtime.GC, finalizers, weakly held objects, memory statistics.
package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"sort"
	"sync"
)

type resource struct {
	id      int
	payload [256]byte
}

var sink []byte

var (
	mu        sync.Mutex
	finalized []int
)

func finalizedCount() int {
	mu.Lock()
	defer mu.Unlock()
	return len(finalized)
}

func makeGarbage(n int) int {
	s := 0
	for i := 0; i < n; i++ {
		b := make([]byte, 1024)
		b[i%1024] = byte(i)
		sink = b
		s += int(b[i%1024])
	}
	return s
}

func main() {
	var before runtime.MemStats
	runtime.ReadMemStats(&before)

	fmt.Println("garbage:", makeGarbage(20000))
	runtime.GC()
	fmt.Println("after first GC")

	var live []*resource
	for i := 0; i < 10; i++ {
		r := &resource{id: i}
		r.payload[0] = byte(i)
		if i%2 == 0 {
			live = append(live, r)
		} else {
			runtime.SetFinalizer(r, func(r *resource) {
				mu.Lock()
				finalized = append(finalized, r.id)
				mu.Unlock()
			})
		}
	}
	for i := 0; i < 5 && finalizedCount() < 5; i++ {
		runtime.GC()
		// Finalizers run on their own goroutine; give it the processor.
		for j := 0; j < 20; j++ {
			runtime.Gosched()
		}
	}
	mu.Lock()
	sort.Ints(finalized)
	fmt.Println("finalized:", finalized)
	mu.Unlock()
	ids := 0
	for _, r := range live {
		ids += r.id + int(r.payload[0])
	}
	fmt.Println("live ids:", ids)

	old := debug.SetGCPercent(50)
	fmt.Println("old GC percent:", old)
	fmt.Println("garbage:", makeGarbage(20000))
	debug.SetGCPercent(old)
	debug.FreeOSMemory()

	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	fmt.Println("collections happened:", after.NumGC > before.NumGC)
	fmt.Println("mallocs counted:", after.Mallocs-before.Mallocs >= 20000)
	runtime.KeepAlive(live)
}
