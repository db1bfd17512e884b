// Maps: insert, overwrite, delete, lookup, growth, struct and string keys; output in sorted order.
package main

import (
	"fmt"
	"sort"
	"strconv"
)

type point struct{ x, y int }

func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func main() {
	words := map[string]int{}
	text := "the quick brown fox jumps over the lazy dog the fox barks and the dog runs over the hill"
	start := 0
	for i := 0; i <= len(text); i++ {
		if i == len(text) || text[i] == ' ' {
			words[text[start:i]]++
			start = i + 1
		}
	}
	for _, k := range sortedKeys(words) {
		fmt.Printf("%s=%d ", k, words[k])
	}
	fmt.Println()

	// Grow a large int map, delete every third key, check lookups.
	m := make(map[int]int)
	for i := 0; i < 100000; i++ {
		m[i*7919%1000003] = i
	}
	fmt.Println("len after insert:", len(m))
	for i := 0; i < 100000; i += 3 {
		delete(m, i*7919%1000003)
	}
	fmt.Println("len after delete:", len(m))
	hits, misses, sum := 0, 0, 0
	for i := 0; i < 100000; i++ {
		if v, ok := m[i*7919%1000003]; ok {
			hits++
			sum += v
		} else {
			misses++
		}
	}
	fmt.Println("hits:", hits, "misses:", misses, "sum:", sum)
	// Iteration visits every key exactly once, whatever the order.
	iterSum, iterCount := 0, 0
	for _, v := range m {
		iterSum += v
		iterCount++
	}
	fmt.Println("iteration:", iterCount, iterSum)

	// Deleting during iteration is allowed.
	for k, v := range m {
		if v%2 == 1 {
			delete(m, k)
		}
	}
	fmt.Println("len after deleting odd values:", len(m))

	// Struct keys and overwrite.
	grid := map[point]string{}
	for x := 0; x < 5; x++ {
		for y := 0; y < 5; y++ {
			grid[point{x, y}] = strconv.Itoa(x * y)
		}
	}
	grid[point{2, 3}] = "overwritten"
	pts := make([]point, 0, len(grid))
	for p := range grid {
		pts = append(pts, p)
	}
	sort.Slice(pts, func(i, j int) bool {
		if pts[i].x != pts[j].x {
			return pts[i].x < pts[j].x
		}
		return pts[i].y < pts[j].y
	})
	for _, p := range pts[8:14] {
		fmt.Printf("%v:%s ", p, grid[p])
	}
	fmt.Println()

	// Map of slices and map of maps; fmt prints maps with sorted keys.
	groups := map[string][]int{}
	for i := 0; i < 30; i++ {
		key := []string{"fizz", "buzz", "other"}[i%3]
		groups[key] = append(groups[key], i)
	}
	fmt.Println(groups)
	nested := map[string]map[string]int{"a": {"x": 1, "y": 2}, "b": {"z": 3}}
	nested["a"]["w"] = 0
	fmt.Println(nested)

	// Lookup on a nil map and len of a nil map are fine.
	var nilMap map[string]int
	v, ok := nilMap["missing"]
	fmt.Println("nil map:", v, ok, len(nilMap))

	// Float keys (soft-float hashing), including NaN that never matches.
	fm := map[float64]int{0.5: 1, 1.25: 2, -3.75: 3}
	nan := 0.0
	nan = nan / nan
	fm[nan] = 4
	fm[nan] = 5
	_, found := fm[nan]
	fmt.Println("float map len:", len(fm), "nan found:", found, "1.25 ->", fm[1.25])
}
