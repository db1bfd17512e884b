// strings, bytes, sort, unicode and text helpers.
package main

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"text/tabwriter"
	"unicode"
	"unicode/utf8"
)

type byLenThenAlpha []string

func (s byLenThenAlpha) Len() int      { return len(s) }
func (s byLenThenAlpha) Swap(i, j int) { s[i], s[j] = s[j], s[i] }
func (s byLenThenAlpha) Less(i, j int) bool {
	if len(s[i]) != len(s[j]) {
		return len(s[i]) < len(s[j])
	}
	return s[i] < s[j]
}

type person struct {
	name string
	age  int
}

func main() {
	s := "  Hello, Wörld! Go is fun; go IS FAST.  "
	fmt.Printf("%q\n", strings.TrimSpace(s))
	fmt.Println(strings.ToUpper(s), strings.ToLower(s), strings.Title("go lang"))
	fmt.Println(strings.Fields(s), len(strings.Fields(s)))
	fmt.Printf("%q\n", strings.Split("a,b,,c", ","))
	fmt.Printf("%q\n", strings.SplitN("a,b,,c", ",", 2))
	fmt.Printf("%q\n", strings.SplitAfter("a,b,c", ","))
	fmt.Println(strings.Contains(s, "fun"), strings.ContainsRune(s, 'ö'), strings.ContainsAny(s, "xyz!"), strings.HasPrefix(s, "  He"), strings.HasSuffix(s, ".  "))
	fmt.Println(strings.Index(s, "go"), strings.LastIndex(s, "o"), strings.IndexByte(s, 'W'), strings.IndexRune(s, 'ö'), strings.IndexAny(s, ";!"), strings.EqualFold("GO", "go"))
	fmt.Println(strings.Count(s, "o"), strings.Count("five", ""), strings.Repeat("ab", 5), strings.Replace(s, "o", "0", 2), strings.ReplaceAll(s, " ", "_"))
	r := strings.NewReplacer("<", "&lt;", ">", "&gt;", "&", "&amp;")
	fmt.Println(r.Replace("<a href=\"x&y\">"))
	fmt.Println(strings.Map(func(r rune) rune {
		if unicode.IsUpper(r) {
			return unicode.ToLower(r)
		}
		if unicode.IsLower(r) {
			return unicode.ToUpper(r)
		}
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s))
	fmt.Println(strings.TrimLeft("xxyyabcyx", "xy"), strings.TrimSuffix("file.go", ".go"), strings.TrimFunc("123abc456", unicode.IsDigit))
	before, after, found := strings.Cut("key=value", "=")
	fmt.Println(before, after, found)
	fmt.Println(utf8.RuneCountInString(s), len(s), utf8.ValidString("\xff"), []rune("héllo"), string([]rune{0x4e16, 0x754c}))
	var b strings.Builder
	for i := 0; i < 5; i++ {
		fmt.Fprintf(&b, "[%d]", i)
	}
	fmt.Println(b.String(), b.Len())

	// bytes.
	bs := []byte("The rain in Spain stays mainly in the plain")
	fmt.Println(bytes.Count(bs, []byte("ain")), bytes.Index(bs, []byte("Spain")), bytes.Equal(bytes.ToUpper(bs[:3]), []byte("THE")), bytes.Compare([]byte("a"), []byte("b")))
	fmt.Printf("%q\n", bytes.Fields(bs)[2:5])
	fmt.Printf("%s\n", bytes.Join([][]byte{[]byte("x"), []byte("y"), []byte("z")}, []byte("--")))
	var buf bytes.Buffer
	buf.WriteString("line one\nline two\n")
	buf.Write([]byte("line three\nlast"))
	sc := bufio.NewScanner(&buf)
	n := 0
	for sc.Scan() {
		n++
		fmt.Printf("%d:%s ", n, sc.Text())
	}
	fmt.Println()
	words := bufio.NewScanner(strings.NewReader("alpha beta  gamma\ndelta"))
	words.Split(bufio.ScanWords)
	var ws []string
	for words.Scan() {
		ws = append(ws, words.Text())
	}
	fmt.Println(ws)

	// sort.
	ints := []int{5, 2, 8, 1, 9, 3, 7, 3, -4, 0}
	sort.Ints(ints)
	fmt.Println(ints, sort.SearchInts(ints, 7), sort.IntsAreSorted(ints))
	sort.Sort(sort.Reverse(sort.IntSlice(ints)))
	fmt.Println(ints)
	strs := []string{"banana", "kiwi", "apple", "fig", "cherry", "date", "plum", "grape"}
	sort.Sort(byLenThenAlpha(strs))
	fmt.Println(strs)
	fl := []float64{2.5, -1, 3.25, 0, 1e10, -1e-10}
	sort.Float64s(fl)
	fmt.Println(fl)
	people := []person{{"Alice", 30}, {"Bob", 25}, {"Carol", 30}, {"Dan", 25}, {"Eve", 35}, {"Frank", 30}}
	sort.SliceStable(people, func(i, j int) bool { return people[i].age < people[j].age })
	fmt.Println(people)
	idx := sort.Search(100, func(i int) bool { return i*i >= 2000 })
	fmt.Println("first square >= 2000:", idx)
	// A big sort to exercise the pdqsort paths.
	big := make([]int, 50000)
	x := uint32(12345)
	for i := range big {
		x ^= x << 13
		x ^= x >> 17
		x ^= x << 5
		big[i] = int(x % 100000)
	}
	sort.Ints(big)
	fmt.Println(big[0], big[len(big)/2], big[len(big)-1], sort.IntsAreSorted(big))

	// regexp and tabwriter.
	re := regexp.MustCompile(`(\w+)@(\w+)\.com`)
	fmt.Println(re.FindAllStringSubmatch("bob@example.com, alice@test.com; nobody@nowhere", -1))
	fmt.Println(re.ReplaceAllString("mail bob@example.com now", "$2:$1"))
	tw := tabwriter.NewWriter(os.Stdout, 0, 8, 1, ' ', tabwriter.AlignRight|tabwriter.Debug)
	fmt.Fprintln(tw, "a\tbbb\tc\t")
	fmt.Fprintln(tw, "aaaa\tb\tcccc\t")
	tw.Flush()
}
