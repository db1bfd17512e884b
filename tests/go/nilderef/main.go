// Nil pointer dereferences: Go compiles most nil checks as plain loads and stores and relies on
// the fault at page 0 to raise "invalid memory address or nil pointer dereference". The panics
// must be recoverable, and nothing may be written at address 0.
package main

import "fmt"

type node struct {
	left, right *node
	val         int
}

func try(name string, f func()) {
	defer func() { fmt.Printf("%s: %v\n", name, recover()) }()
	f()
}

func main() {
	var p *node
	try("read field", func() { fmt.Println(p.val) })
	try("write field", func() { p.val = 5 })
	try("read pointer field", func() { fmt.Println(p.left == nil) })
	var ip *int
	try("read *int", func() { fmt.Println(*ip) })
	try("write *int", func() { *ip = 1 })
	var m map[string]*node
	try("nil from map", func() { fmt.Println(m["x"].val) })
	var fn func()
	try("call nil func", func() { fn() })
	var arr *[4]int
	try("index nil array pointer", func() { fmt.Println(arr[2]) })
	fmt.Println("after: p is still nil:", p == nil)
}
