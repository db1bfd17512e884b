// Command-line arguments and the environment. Argument 0 (the program path) differs between hosts,
// so only the rest is printed.
package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

func main() {
	args := os.Args[1:]
	fmt.Println("argc:", len(os.Args) > 0, len(args))
	for i, a := range args {
		fmt.Printf("arg[%d] = %q\n", i+1, a)
	}
	fmt.Println("joined:", strings.Join(args, "|"))
	sum := 0
	for _, a := range args {
		if n, err := strconv.Atoi(a); err == nil {
			sum += n
		}
	}
	fmt.Println("sum of numeric args:", sum)
	fmt.Printf("ZKMIPS_GREETING=%q\n", os.Getenv("ZKMIPS_GREETING"))
	v, ok := os.LookupEnv("HOME")
	fmt.Printf("HOME=%q set=%v\n", v, ok)
	env := os.Environ()
	fmt.Println("environment entries:", len(env))
	fmt.Println("expand:", os.Expand("[$ZKMIPS_GREETING][${HOME}]", os.Getenv))
	fmt.Println("pid positive:", os.Getpid() > 0)
	fmt.Fprintln(os.Stderr, "to stderr:", len(args))
}
