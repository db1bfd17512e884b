// defer and recover: ordering of deferred calls, recovering runtime errors (nil map write, index out
// of range, integer divide by zero, bad type assertion, slice bounds, closed channel), re-panics,
// panics with custom error values, and deferred functions changing named results.
package main

import (
	"errors"
	"fmt"
	"runtime"
	"strconv"
)

type myErr struct{ code int }

func (e *myErr) Error() string { return "myErr " + strconv.Itoa(e.code) }

func try(name string, f func()) {
	defer func() {
		r := recover()
		if r == nil {
			fmt.Printf("%s: no panic\n", name)
			return
		}
		_, isRuntime := r.(runtime.Error)
		fmt.Printf("%s: recovered (runtime error: %v) %v\n", name, isRuntime, r)
	}()
	f()
}

var zero = 0
var zero64 int64 = 0
var idx = 5

func deferOrder() (out []int) {
	for i := 0; i < 4; i++ {
		defer func(i int) { out = append(out, i) }(i)
	}
	return nil
}

func namedResult() (n int, err error) {
	defer func() {
		if r := recover(); r != nil {
			n = -1
			err = fmt.Errorf("converted: %v", r)
		}
	}()
	n = 10
	panic("inside namedResult")
}

func nested() (msg string) {
	defer func() {
		r := recover()
		msg = fmt.Sprint("outer caught: ", r)
	}()
	defer func() {
		if r := recover(); r != nil {
			panic(fmt.Sprint("re-panic of [", r, "]"))
		}
	}()
	panic("first")
}

func deep(n int) int {
	if n == 0 {
		var a []int
		return a[n+idx]
	}
	return deep(n-1) + 1
}

func main() {
	fmt.Println("defer order:", deferOrder())

	try("nil map write", func() {
		var m map[string]int
		m["x"] = 1
	})
	try("index out of range", func() {
		s := []int{1, 2, 3}
		fmt.Println(s[idx])
	})
	try("integer divide by zero", func() {
		fmt.Println(10 / zero)
	})
	try("int64 divide by zero", func() {
		fmt.Println(int64(10) / zero64)
	})
	try("modulo by zero", func() {
		fmt.Println(uint32(10) % uint32(zero))
	})
	try("slice bounds", func() {
		s := make([]byte, 3)
		fmt.Println(s[1:idx])
	})
	try("string index", func() {
		s := "abc"
		fmt.Println(s[idx])
	})
	try("type assertion", func() {
		var i interface{} = "str"
		fmt.Println(i.(int))
	})
	try("closed channel send", func() {
		c := make(chan int, 1)
		close(c)
		c <- 1
	})
	try("close of nil channel", func() {
		var c chan int
		close(c)
	})
	try("negative make len", func() {
		n := -idx
		_ = make([]int, n)
	})
	try("custom error", func() { panic(&myErr{42}) })
	try("error value", func() { panic(errors.New("plain error")) })
	try("deep recursion index", func() { deep(100) })
	try("no panic", func() {})

	n, err := namedResult()
	fmt.Println("named result:", n, err)
	fmt.Println("nested:", nested())

	// recover outside a panic returns nil; recover only works in the deferred function itself.
	fmt.Println("plain recover:", recover())
	func() {
		defer func() {
			helper := func() interface{} { return recover() }
			r := helper()
			fmt.Println("recover in helper:", r)
			fmt.Println("recover in deferred:", recover())
		}()
		panic("indirect")
	}()

	// errors.As on a wrapped recovered error.
	var target *myErr
	func() {
		defer func() {
			if r := recover(); r != nil {
				e := fmt.Errorf("wrapped: %w", r.(error))
				fmt.Println(e, errors.As(e, &target), target.code)
			}
		}()
		panic(&myErr{7})
	}()
	fmt.Println("done")
}
