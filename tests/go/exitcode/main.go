// os.Exit with a non-zero code after output on both streams; deferred calls do not run.
package main

import (
	"fmt"
	"os"
)

func main() {
	defer fmt.Println("deferred: must not be printed")
	fmt.Println("about to exit with code 3")
	fmt.Fprintln(os.Stderr, "error: something went wrong")
	os.Exit(3)
}
