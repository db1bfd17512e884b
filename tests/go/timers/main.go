// Timers on one thread: time.Sleep, time.After in a select, time.NewTimer/Stop/Reset, a Ticker,
// time.AfterFunc and context deadlines. Only the order of events is printed, never a time.
package main

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"
)

func main() {
	start := time.Now()
	time.Sleep(2 * time.Millisecond)
	fmt.Println("slept at least 2ms:", time.Since(start) >= 2*time.Millisecond)

	// A timeout that fires before a channel that never gets a value.
	never := make(chan int)
	select {
	case <-never:
		fmt.Println("unexpected value")
	case <-time.After(time.Millisecond):
		fmt.Println("time.After fired")
	}

	// Timers ordered by deadline fire in that order.
	var mu sync.Mutex
	var order []int
	var wg sync.WaitGroup
	for _, d := range []int{30, 1, 15} {
		d := d
		wg.Add(1)
		time.AfterFunc(time.Duration(d)*time.Millisecond, func() {
			mu.Lock()
			order = append(order, d)
			mu.Unlock()
			wg.Done()
		})
	}
	wg.Wait()
	fmt.Println("AfterFunc order:", order)

	t := time.NewTimer(time.Hour)
	fmt.Println("stopped before firing:", t.Stop())
	t.Reset(time.Millisecond)
	<-t.C
	fmt.Println("reset timer fired")

	ticker := time.NewTicker(time.Millisecond)
	ticks := 0
	for range ticker.C {
		ticks++
		if ticks == 3 {
			ticker.Stop()
			break
		}
	}
	fmt.Println("ticks:", ticks)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Millisecond)
	defer cancel()
	<-ctx.Done()
	fmt.Println("context:", ctx.Err(), errors.Is(ctx.Err(), context.DeadlineExceeded))

	// A goroutine that sleeps while another works.
	done := make(chan string)
	go func() {
		time.Sleep(time.Millisecond)
		done <- "sleeper done"
	}()
	sum := 0
	for i := 0; i < 100000; i++ {
		sum += i % 7
	}
	fmt.Println("work:", sum, <-done)
}
