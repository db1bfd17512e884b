// encoding/json: marshal and unmarshal structs with tags, nesting, omitempty, embedded structs,
// custom marshalers, maps (sorted keys), interfaces, numbers, errors, and a streaming decoder.
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

type Address struct {
	Street string `json:"street"`
	City   string `json:"city"`
	Zip    string `json:"zip,omitempty"`
}

type Base struct {
	ID      int    `json:"id"`
	Created string `json:"created"`
}

type Level int

func (l Level) MarshalJSON() ([]byte, error) {
	return json.Marshal(fmt.Sprintf("level-%d", int(l)))
}

func (l *Level) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	_, err := fmt.Sscanf(s, "level-%d", (*int)(l))
	return err
}

type Person struct {
	Base
	Name     string            `json:"name"`
	Age      int               `json:"age"`
	Email    string            `json:"email,omitempty"`
	Score    float64           `json:"score"`
	Tags     []string          `json:"tags"`
	Address  *Address          `json:"address,omitempty"`
	Meta     map[string]int    `json:"meta"`
	Level    Level             `json:"level"`
	Secret   string            `json:"-"`
	Extra    json.RawMessage   `json:"extra,omitempty"`
	Friends  []Person          `json:"friends,omitempty"`
	Attrs    map[string]string `json:"attrs,omitempty"`
	private  int
	Big      int64   `json:"big,string"`
	Ratio    float32 `json:"ratio"`
	Nullable *int    `json:"nullable"`
}

func main() {
	p := Person{
		Base:    Base{ID: 1, Created: "2024-01-01"},
		Name:    "Ada <Lovelace> & co",
		Age:     36,
		Score:   97.25,
		Tags:    []string{"math", "engine"},
		Address: &Address{Street: "1 St James's Sq", City: "London"},
		Meta:    map[string]int{"zeta": 26, "alpha": 1, "mid": 13},
		Level:   3,
		Secret:  "hidden",
		Extra:   json.RawMessage(`{"raw":[1,2,3]}`),
		Friends: []Person{{Name: "Charles", Age: 45, Meta: map[string]int{}, Level: 1}},
		private: 9,
		Big:     1 << 60,
		Ratio:   0.1,
	}
	out, err := json.Marshal(p)
	fmt.Println(string(out), err)
	ind, _ := json.MarshalIndent(p.Friends[0], "", "  ")
	fmt.Println(string(ind))

	var back Person
	err = json.Unmarshal(out, &back)
	fmt.Println("unmarshal err:", err)
	fmt.Printf("%+v\n", back.Base)
	fmt.Println(back.Name, back.Age, back.Score, back.Tags, *back.Address, back.Level, back.Secret == "", string(back.Extra), back.Big, back.Ratio, back.Nullable == nil)
	keys := make([]string, 0)
	for k := range back.Meta {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	fmt.Println("meta keys:", keys)
	again, _ := json.Marshal(back)
	fmt.Println("round trip identical:", bytes.Equal(out, again))

	// Generic decoding into interface{} and numbers.
	doc := `{"b":[1,2.5,"three",true,null,{"x":-1e3}],"a":{"nested":{"deep":[[],{}]}},"n":12345678901234567890}`
	var v interface{}
	fmt.Println(json.Unmarshal([]byte(doc), &v))
	fmt.Printf("%v\n", v)
	re, _ := json.Marshal(v)
	fmt.Println(string(re))
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var vn map[string]interface{}
	fmt.Println(dec.Decode(&vn), vn["n"], fmt.Sprintf("%T", vn["n"]))

	// Streaming decoder over several values, and tokens.
	stream := `{"street":"a","city":"b"} {"street":"c","city":"d","zip":"123"} [1,2]`
	d := json.NewDecoder(strings.NewReader(stream))
	for i := 0; i < 2; i++ {
		var a Address
		fmt.Println(d.Decode(&a), a)
	}
	var arr []int
	fmt.Println(d.Decode(&arr), arr, d.More())
	td := json.NewDecoder(strings.NewReader(`{"k":[true,"s",1.5]}`))
	for {
		t, err := td.Token()
		if err != nil {
			fmt.Println("tokens end:", err)
			break
		}
		fmt.Printf("%T:%v ", t, t)
	}

	// Errors.
	var a Address
	fmt.Println(json.Unmarshal([]byte(`{"street": 5}`), &a))
	fmt.Println(json.Unmarshal([]byte(`{"street": "x",}`), &a))
	fmt.Println(json.Unmarshal([]byte(`[1,2`), &arr))
	_, err = json.Marshal(map[string]interface{}{"f": func() {}})
	fmt.Println(err)
	dis := json.NewDecoder(strings.NewReader(`{"street":"s","unknown":1}`))
	dis.DisallowUnknownFields()
	fmt.Println(dis.Decode(&a))

	// Encoder with HTML escaping off, and Indent/Compact/Valid.
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent(">", "\t")
	enc.Encode(map[string]interface{}{"html": "<b>&</b>", "list": []float64{1, 0.5, 1e21, 1e-7}, "uni": "é\u2028"})
	fmt.Print(buf.String())
	var comp bytes.Buffer
	json.Compact(&comp, []byte("{ \"a\" : [ 1 , 2 ] }"))
	fmt.Println(comp.String(), json.Valid([]byte(`{"a":}`)), json.Valid(comp.Bytes()))
}
