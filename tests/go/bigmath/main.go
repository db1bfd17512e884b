// math/big: factorials, modular exponentiation, gcd and inverses, primality, rationals, square roots
// and a big float computation.
package main

import (
	"fmt"
	"math/big"
)

func factorial(n int64) *big.Int {
	r := big.NewInt(1)
	for i := int64(2); i <= n; i++ {
		r.Mul(r, big.NewInt(i))
	}
	return r
}

func fib(n int) *big.Int {
	a, b := big.NewInt(0), big.NewInt(1)
	for i := 0; i < n; i++ {
		a.Add(a, b)
		a, b = b, a
	}
	return a
}

func main() {
	f100 := factorial(100)
	fmt.Println("100! =", f100)
	f1000 := factorial(1000)
	s := f1000.String()
	fmt.Println("1000! has", len(s), "digits, starts", s[:20], "bit length", f1000.BitLen())
	digitSum := 0
	for _, c := range s {
		digitSum += int(c - '0')
	}
	fmt.Println("digit sum of 1000!:", digitSum)

	fmt.Println("fib(500) =", fib(500))

	// Modular exponentiation with a 256-bit modulus (secp256k1's field prime).
	p, _ := new(big.Int).SetString("fffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2f", 16)
	base := big.NewInt(7)
	e := new(big.Int).Sub(p, big.NewInt(2))
	inv := new(big.Int).Exp(base, e, p)
	fmt.Printf("7^(p-2) mod p = %x\n", inv)
	check := new(big.Int).Mul(inv, base)
	check.Mod(check, p)
	fmt.Println("7 * inverse mod p =", check)
	fmt.Println("ModInverse agrees:", new(big.Int).ModInverse(base, p).Cmp(inv) == 0)
	two := big.NewInt(2)
	big1 := new(big.Int).Exp(two, big.NewInt(1279), nil)
	big1.Sub(big1, big.NewInt(1))
	fmt.Println("2^1279-1 probably prime:", big1.ProbablyPrime(2), "bits", big1.BitLen())
	fmt.Println("2^1279+1 probably prime:", new(big.Int).Add(big1, two).ProbablyPrime(2))
	fmt.Println("3^1000 mod 1000007 =", new(big.Int).Exp(big.NewInt(3), big.NewInt(1000), big.NewInt(1000007)))

	// GCD with Bezout coefficients.
	a := factorial(30)
	b := fib(90)
	x, y := new(big.Int), new(big.Int)
	g := new(big.Int).GCD(x, y, a, b)
	fmt.Println("gcd(30!, fib(90)) =", g, "x =", x, "y =", y)
	lhs := new(big.Int).Add(new(big.Int).Mul(a, x), new(big.Int).Mul(b, y))
	fmt.Println("bezout holds:", lhs.Cmp(g) == 0)

	// Division, modulus and signs.
	q, m := new(big.Int).QuoRem(big.NewInt(-1000003), big.NewInt(97), new(big.Int))
	d, mo := new(big.Int).DivMod(big.NewInt(-1000003), big.NewInt(97), new(big.Int))
	fmt.Println("QuoRem:", q, m, "DivMod:", d, mo)

	// Square roots and bit operations.
	sq := new(big.Int).Sqrt(f100)
	fmt.Println("isqrt(100!) =", sq)
	fmt.Println("and/or/xor:", new(big.Int).And(f100, b), new(big.Int).Or(big.NewInt(12), big.NewInt(3)), new(big.Int).Xor(big.NewInt(255), big.NewInt(15)))
	fmt.Println("shift:", new(big.Int).Lsh(big.NewInt(3), 200), new(big.Int).Rsh(f100, 300))

	// Rationals.
	r := new(big.Rat)
	for i := int64(1); i <= 20; i++ {
		r.Add(r, big.NewRat(1, i))
	}
	fmt.Println("H(20) =", r, "~", r.FloatString(12))

	// Big floats with 200 bits of precision: sqrt(2) by Newton's method.
	const prec = 200
	two200 := new(big.Float).SetPrec(prec).SetInt64(2)
	xf := new(big.Float).SetPrec(prec).SetFloat64(1.5)
	half := new(big.Float).SetPrec(prec).SetFloat64(0.5)
	for i := 0; i < 10; i++ {
		t := new(big.Float).SetPrec(prec).Quo(two200, xf)
		t.Add(t, xf)
		xf.Mul(t, half)
	}
	fmt.Println("sqrt(2) =", xf.Text('f', 55))
	fmt.Println("big.Float Sqrt agrees:", new(big.Float).SetPrec(prec).Sqrt(two200).Cmp(xf) == 0)
	f64, acc := xf.Float64()
	fmt.Println("as float64:", f64, acc)

	// Parsing and formatting in several bases.
	n, ok := new(big.Int).SetString("-0x1234567890abcdef1234567890abcdef", 0)
	fmt.Println(ok, n, n.Text(2)[:20], n.Text(36), fmt.Sprintf("%#x %o", n, n))
}
