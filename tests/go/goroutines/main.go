// Goroutines and channels: a worker pool over unbuffered and buffered channels, WaitGroup, Mutex,
// select with default and timeouts-free fan-in, a pipeline, and sync.Once. The output does not
// depend on scheduling order (results are gathered and sorted), so it is the same on one thread
// and on many.
package main

import (
	"fmt"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"
)

func collatz(n int) int {
	steps := 0
	for n != 1 {
		if n%2 == 0 {
			n /= 2
		} else {
			n = 3*n + 1
		}
		steps++
	}
	return steps
}

type result struct{ job, steps int }

func workerPool(workers, jobs int, buffered bool) []result {
	var jobCh chan int
	var resCh chan result
	if buffered {
		jobCh = make(chan int, 16)
		resCh = make(chan result, 16)
	} else {
		jobCh = make(chan int)
		resCh = make(chan result)
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobCh {
				resCh <- result{j, collatz(j)}
			}
		}()
	}
	go func() {
		for j := 1; j <= jobs; j++ {
			jobCh <- j
		}
		close(jobCh)
	}()
	go func() {
		wg.Wait()
		close(resCh)
	}()
	var out []result
	for r := range resCh {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].job < out[j].job })
	return out
}

func summarize(name string, rs []result) {
	best := result{}
	total := 0
	for _, r := range rs {
		total += r.steps
		if r.steps > best.steps {
			best = r
		}
	}
	fmt.Printf("%s: %d results, total steps %d, longest %d (%d steps)\n", name, len(rs), total, best.job, best.steps)
}

func mutexCounter() int {
	var mu sync.Mutex
	var wg sync.WaitGroup
	counter := 0
	for g := 0; g < 50; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 200; i++ {
				mu.Lock()
				counter += g % 3
				mu.Unlock()
				if i%50 == 0 {
					runtime.Gosched()
				}
			}
		}(g)
	}
	wg.Wait()
	return counter
}

func selectFanIn() {
	a := make(chan int)
	b := make(chan string)
	done := make(chan struct{})
	go func() {
		for i := 0; i < 5; i++ {
			a <- i
		}
		close(a)
	}()
	go func() {
		for _, s := range []string{"x", "y", "z"} {
			b <- s
		}
		close(b)
	}()
	var ints []int
	var strs []string
	for a != nil || b != nil {
		select {
		case v, ok := <-a:
			if !ok {
				a = nil
				continue
			}
			ints = append(ints, v)
		case s, ok := <-b:
			if !ok {
				b = nil
				continue
			}
			strs = append(strs, s)
		}
	}
	close(done)
	fmt.Println("fan-in:", ints, strs)

	// select with default never blocks.
	empty := make(chan int)
	select {
	case v := <-empty:
		fmt.Println("unexpected", v)
	default:
		fmt.Println("default taken")
	}
	select {
	case <-done:
		fmt.Println("closed channel ready")
	default:
		fmt.Println("unexpected default")
	}
	// A buffered channel used as a semaphore.
	sem := make(chan struct{}, 3)
	var active, maxActive int32
	var wg sync.WaitGroup
	for i := 0; i < 12; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			n := atomic.AddInt32(&active, 1)
			for {
				m := atomic.LoadInt32(&maxActive)
				if n <= m || atomic.CompareAndSwapInt32(&maxActive, m, n) {
					break
				}
			}
			runtime.Gosched()
			atomic.AddInt32(&active, -1)
			<-sem
		}()
	}
	wg.Wait()
	fmt.Println("semaphore respected:", maxActive <= 3 && maxActive >= 1)
}

func pipeline() int {
	gen := func(n int) <-chan int {
		ch := make(chan int)
		go func() {
			for i := 1; i <= n; i++ {
				ch <- i
			}
			close(ch)
		}()
		return ch
	}
	square := func(in <-chan int) <-chan int {
		ch := make(chan int, 4)
		go func() {
			for v := range in {
				ch <- v * v
			}
			close(ch)
		}()
		return ch
	}
	sum := 0
	for v := range square(square(gen(100))) {
		sum += v
	}
	return sum
}

func main() {
	summarize("unbuffered", workerPool(4, 3000, false))
	summarize("buffered", workerPool(8, 3000, true))
	fmt.Println("mutex counter:", mutexCounter())
	selectFanIn()
	fmt.Println("pipeline sum of fourth powers:", pipeline())

	var once sync.Once
	calls := 0
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			once.Do(func() { calls++ })
		}()
	}
	wg.Wait()
	fmt.Println("once calls:", calls)

	// Condition variable handshake.
	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	ready := false
	got := make(chan string)
	go func() {
		mu.Lock()
		for !ready {
			cond.Wait()
		}
		mu.Unlock()
		got <- "woken"
	}()
	runtime.Gosched()
	mu.Lock()
	ready = true
	cond.Broadcast()
	mu.Unlock()
	fmt.Println("cond:", <-got)

	// RWMutex and a map guarded by it.
	var rw sync.RWMutex
	shared := map[int]int{}
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; i < 100; i++ {
				rw.Lock()
				shared[i%10] += w
				rw.Unlock()
				rw.RLock()
				_ = shared[i%10]
				rw.RUnlock()
			}
		}(w)
	}
	wg.Wait()
	total := 0
	for k := 0; k < 10; k++ {
		total += shared[k]
	}
	fmt.Println("rwmutex total:", total)
}
