// crypto/sha256, crypto/sha512, crypto/md5, hash/crc32 and encoding/hex, base64.
package main

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"hash/crc32"
	"strings"
)

func main() {
	inputs := []string{"", "abc", "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", strings.Repeat("a", 1000)}
	for _, in := range inputs {
		sum := sha256.Sum256([]byte(in))
		fmt.Printf("sha256(%d bytes) = %s\n", len(in), hex.EncodeToString(sum[:]))
	}
	// Streaming in odd chunk sizes gives the same digest.
	data := []byte(strings.Repeat("The quick brown fox jumps over the lazy dog. ", 300))
	h := sha256.New()
	for i := 0; i < len(data); {
		n := 1 + i%97
		if i+n > len(data) {
			n = len(data) - i
		}
		h.Write(data[i : i+n])
		i += n
	}
	whole := sha256.Sum256(data)
	fmt.Println("streaming matches:", hex.EncodeToString(h.Sum(nil)) == hex.EncodeToString(whole[:]))
	fmt.Printf("sha224: %x\n", sha256.Sum224(data))
	fmt.Printf("sha512: %x\n", sha512.Sum512(data))
	fmt.Printf("sha1:   %x\n", sha1.Sum(data))
	fmt.Printf("md5:    %x\n", md5.Sum(data))
	fmt.Printf("crc32:  %08x\n", crc32.ChecksumIEEE(data))
	mac := hmac.New(sha256.New, []byte("key"))
	mac.Write([]byte("The quick brown fox jumps over the lazy dog"))
	fmt.Printf("hmac-sha256: %x\n", mac.Sum(nil))

	// hex round trips and errors.
	enc := hex.EncodeToString([]byte("zkMIPS\x00\xff"))
	dec, err := hex.DecodeString(enc)
	fmt.Println("hex:", enc, string(dec[:6]), dec[6:], err)
	_, err = hex.DecodeString("abc")
	fmt.Println("odd length:", err)
	_, err = hex.DecodeString("zz")
	fmt.Println("bad byte:", err)
	fmt.Print(hex.Dump([]byte("hex dump of a few bytes, 0123456789")))

	b64 := base64.StdEncoding.EncodeToString(data[:50])
	fmt.Println("base64:", b64)
	back, _ := base64.StdEncoding.DecodeString(b64)
	fmt.Println("base64 round trip:", string(back) == string(data[:50]))
	fmt.Println("url base64:", base64.RawURLEncoding.EncodeToString([]byte{0xfb, 0xff, 0xfe, 0x01}))

	// A short hash chain.
	cur := sha256.Sum256([]byte("seed"))
	for i := 0; i < 1000; i++ {
		cur = sha256.Sum256(cur[:])
	}
	fmt.Printf("chain(1000): %x\n", cur)
}
