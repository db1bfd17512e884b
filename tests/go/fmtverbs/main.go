// fmt verbs and strconv on soft-float floats: %v %+v %#v %T %q %x %X %o %b %e %g %08.3f, widths,
// flags, Stringer/GoStringer/Formatter, errors, Sscanf, and strconv parsing and formatting.
package main

import (
	"errors"
	"fmt"
	"math"
	"strconv"
)

type inner struct {
	A int
	B []string
}

type outer struct {
	Name  string
	Ptr   *int
	In    inner
	M     map[string]int
	F     float64
	iface interface{}
}

type color int

func (c color) String() string { return [...]string{"red", "green", "blue"}[c] }

type gs struct{ v int }

func (g gs) GoString() string { return fmt.Sprintf("gs<%d>", g.v) }

type custom struct{}

func (custom) Format(f fmt.State, verb rune) {
	w, wok := f.Width()
	p, pok := f.Precision()
	fmt.Fprintf(f, "custom[%c w=%d,%v p=%d,%v plus=%v minus=%v sharp=%v]", verb, w, wok, p, pok, f.Flag('+'), f.Flag('-'), f.Flag('#'))
}

func main() {
	o := outer{Name: "zk", In: inner{A: 7, B: []string{"x", "y"}}, M: map[string]int{"b": 2, "a": 1}, F: 2.5, iface: 3}
	fmt.Printf("%v\n%+v\n", o, o)
	// %#v of a struct without pointers (a pointer would print an address).
	fmt.Printf("%#v\n", o.In)
	fmt.Printf("%#v %#v %#v %#v\n", []int{1, 2}, map[string]bool{"t": true}, "q\"s", 1.0)
	fmt.Printf("%T %T %T %T\n", o, &o.In, o.M, o.iface)
	fmt.Printf("%v %d %s %x %#v\n", color(1), color(2), color(0), color(2), gs{5})
	fmt.Printf("%v|%+8.3x|%-10v|\n", custom{}, custom{}, custom{})

	// Integers.
	for _, n := range []int64{0, 1, -1, 42, -42, 255, 1 << 40, math.MaxInt64, math.MinInt64} {
		fmt.Printf("[%d|%+d|%5d|%-5d|%05d|%x|%X|%#x|%o|%#o|%O|%b|%c|%U]\n", n, n, n, n, n, n, n, n, n, n, n, n, rune(n&0x7f+32), rune(n&0xffff))
	}
	fmt.Printf("%d %v %x\n", uint64(math.MaxUint64), uint8(200), int8(-3))
	fmt.Printf("% d|% x|%#08x|%8.5d\n", 42, "hi there", 255, -12)

	// Strings and bytes.
	s := "héllo, \"world\"\n\t✓"
	fmt.Printf("%s|%q|%+q|%#q|%x|% X|%10.3s|%-10s|\n", s, s, s, "back`tick", s, []byte("ab"), s, "left")
	fmt.Printf("%q %q %v %s\n", 'x', '✓', []byte("bytes"), []byte("bytes"))
	fmt.Printf("%v %t %v %p\n", true, false, nil, nil)

	// Floats (all soft-float on this target).
	floats := []float64{0, 1, -1, 3.14159265358979, 2.0 / 3.0, 1e-7, 123456789.125, 1e21, -0.0005, math.Inf(1), math.Inf(-1), math.NaN(), math.MaxFloat64, math.SmallestNonzeroFloat64}
	for _, f := range floats {
		fmt.Printf("[%v|%08.3f|%.2f|%e|%E|%g|%G|%.3g|%10.4v|%-12.2e|%+.1f|%x|%b]\n", f, f, f, f, f, f, f, f, f, f, f, f, f)
	}
	f32 := float32(1) / 3
	fmt.Printf("%v %.10f %g %v\n", f32, f32, float32(16777217), float32(0.1)+float32(0.2))
	fmt.Printf("%v %.3f %v\n", complex(1.5, -2), complex(0.25, 4), complex64(complex(1, 1)))
	fmt.Println(0.1+0.2, 1/3.0, math.Sqrt(2), math.Pi, math.E, math.Exp(1.5), math.Log(10), math.Sin(1), math.Pow(2, 0.5), math.Floor(-2.5), math.Mod(7.5, 2))

	// Width and precision from arguments, argument indexes, bad verbs.
	fmt.Printf("%*d|%-*d|%.*f|%[2]d %[1]d|%!|%z|%d\n", 6, 42, 6, 42, 2, 3.14159, "extra")
	fmt.Printf("%d %s\n", "str", 5)
	fmt.Println(fmt.Sprint("a", 1, 2, "b", "c", 3.5, nil), fmt.Sprintln("x", 1))

	// Errors.
	base := errors.New("base")
	wrapped := fmt.Errorf("level2: %w", fmt.Errorf("level1: %w", base))
	fmt.Println(wrapped, errors.Is(wrapped, base), errors.Unwrap(wrapped))

	// Scanning.
	var a int
	var b string
	var c float64
	n, err := fmt.Sscanf("17 apples 2.75", "%d %s %f", &a, &b, &c)
	fmt.Println(n, err, a, b, c)
	var x, y int
	n, err = fmt.Sscan("3 4", &x, &y)
	fmt.Println(n, err, x*y)

	// strconv.
	for _, f := range []float64{0.1, 1.0 / 3, 6.02214076e23, -1.5e-300, 100} {
		fmt.Println(strconv.FormatFloat(f, 'g', -1, 64), strconv.FormatFloat(f, 'e', 5, 64), strconv.FormatFloat(f, 'f', 3, 32), strconv.FormatFloat(f, 'b', -1, 64))
	}
	for _, in := range []string{"3.25", "-1e10", "0x1p-2", "inf", "NaN", "1e400", "abc", "2.2250738585072011e-308", "123456789012345678901234567890"} {
		f, err := strconv.ParseFloat(in, 64)
		fmt.Println(in, "->", f, err)
	}
	for _, in := range []string{"42", "-0x2a", "0b101", "0o17", "99999999999999999999", "1_000", "x"} {
		i, err := strconv.ParseInt(in, 0, 64)
		fmt.Println(in, "->", i, err)
	}
	u, err := strconv.ParseUint("18446744073709551615", 10, 64)
	fmt.Println(u, err)
	fmt.Println(strconv.Itoa(-987654321), strconv.FormatInt(-255, 16), strconv.FormatUint(1<<63, 36), strconv.Quote("tab\there ✓"), strconv.QuoteToASCII("✓"), strconv.AppendBool(nil, true))
	uq, err := strconv.Unquote(`"a\tb\u2713"`)
	fmt.Println(uq, err)
	bl, err := strconv.ParseBool("maybe")
	fmt.Println(bl, err)
}
