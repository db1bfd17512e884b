// The flag package on the command line: typed flags, the rest of the arguments, the name of the
// default flag set (argument 0, the program path: only its base name is printed), and a separate
// flag set that reports a bad flag.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"time"
)

func main() {
	n := flag.Int("n", 1, "a number")
	name := flag.String("name", "nobody", "a name")
	verbose := flag.Bool("v", false, "verbose")
	ratio := flag.Float64("ratio", 0.5, "a ratio")
	wait := flag.Duration("wait", time.Second, "a duration")
	var list []string
	flag.Func("item", "repeatable", func(s string) error {
		list = append(list, s)
		return nil
	})
	flag.Parse()
	fmt.Println("program:", strings.TrimSuffix(strings.TrimSuffix(filepath.Base(flag.CommandLine.Name()), "-mipsle"), "-mips"))
	fmt.Println("n:", *n, "name:", *name, "v:", *verbose, "ratio:", *ratio, "wait:", *wait, "items:", list)
	fmt.Println("rest:", flag.NArg(), flag.Args())
	flag.Visit(func(f *flag.Flag) { fmt.Printf("set: -%s=%s\n", f.Name, f.Value) })

	fs := flag.NewFlagSet("sub", flag.ContinueOnError)
	var out bytes.Buffer
	fs.SetOutput(&out)
	fs.Int("k", 0, "k")
	err := fs.Parse([]string{"-k", "3", "-unknown"})
	fmt.Println("sub error:", err)
	fmt.Print("sub output:\n", out.String())
}
