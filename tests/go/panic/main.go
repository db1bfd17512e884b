// An unrecovered panic: deferred calls run, then the runtime prints the value and a traceback to
// stderr and exits with code 2.
package main

import (
	"fmt"
	"os"
)

type failure struct {
	Code int
	What string
}

func (f failure) Error() string { return fmt.Sprintf("failure %d: %s", f.Code, f.What) }

func process(items []string) {
	defer fmt.Println("deferred in process runs")
	for i, it := range items {
		if it == "bad" {
			panic(failure{Code: i, What: "bad item"})
		}
		fmt.Println("processed", it)
	}
}

func main() {
	defer fmt.Fprintln(os.Stderr, "deferred in main runs")
	process([]string{"one", "two", "bad", "four"})
	fmt.Println("not reached")
}
