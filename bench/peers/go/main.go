// The Go peer of bench_render: the standard library's encoding/xml writing the same .mobileconfig
// (Apple's XML plist layout) that acmepolicy renders. Usage: go-peer PROFILE.xml [ITERATIONS]
//
// The profile is read once into a plist tree; each timed iteration writes the whole document with
// xml.Encoder into a fresh buffer. Prints the median CPU time (user + system, the Go runtime's own
// threads included) per profile over five runs as "median_cpu_ns=<ns> bytes=<size>".
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"sort"
	"strconv"
	"syscall"
)

// value is one plist value: exactly one of the fields is meaningful, as kind says.
type value struct {
	kind  string // "dict", "array", "string", "integer", "real", "true", "false", "date", "data"
	text  string
	data  []byte
	keys  []string
	items []value
}

func parse(d *xml.Decoder, start xml.StartElement) (value, error) {
	v := value{kind: start.Name.Local}
	for {
		tok, err := d.Token()
		if err != nil {
			return v, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if t.Name.Local == "key" {
				var k string
				if err := d.DecodeElement(&k, &t); err != nil {
					return v, err
				}
				v.keys = append(v.keys, k)
				continue
			}
			child, err := parse(d, t)
			if err != nil {
				return v, err
			}
			v.items = append(v.items, child)
		case xml.CharData:
			v.text += string(t)
		case xml.EndElement:
			if v.kind == "data" {
				clean := bytes.Join(bytes.Fields([]byte(v.text)), nil)
				v.data, err = base64.StdEncoding.DecodeString(string(clean))
			}
			return v, err
		}
	}
}

func read(path string) (value, error) {
	f, err := os.Open(path)
	if err != nil {
		return value{}, err
	}
	defer f.Close()
	d := xml.NewDecoder(f)
	d.Strict = false
	for {
		tok, err := d.Token()
		if err != nil {
			return value{}, err
		}
		if s, ok := tok.(xml.StartElement); ok && s.Name.Local != "plist" {
			return parse(d, s)
		}
	}
}

func element(e *xml.Encoder, name, text string) {
	e.EncodeToken(xml.StartElement{Name: xml.Name{Local: name}})
	e.EncodeToken(xml.CharData(text))
	e.EncodeToken(xml.EndElement{Name: xml.Name{Local: name}})
}

func write(e *xml.Encoder, v value) {
	switch v.kind {
	case "true", "false":
		e.EncodeToken(xml.StartElement{Name: xml.Name{Local: v.kind}})
		e.EncodeToken(xml.EndElement{Name: xml.Name{Local: v.kind}})
	case "data":
		element(e, "data", base64.StdEncoding.EncodeToString(v.data))
	case "dict":
		e.EncodeToken(xml.StartElement{Name: xml.Name{Local: "dict"}})
		for i, k := range v.keys {
			element(e, "key", k)
			write(e, v.items[i])
		}
		e.EncodeToken(xml.EndElement{Name: xml.Name{Local: "dict"}})
	case "array":
		e.EncodeToken(xml.StartElement{Name: xml.Name{Local: "array"}})
		for _, item := range v.items {
			write(e, item)
		}
		e.EncodeToken(xml.EndElement{Name: xml.Name{Local: "array"}})
	default:
		element(e, v.kind, v.text)
	}
}

// render writes the whole document, header and DOCTYPE included.
func render(w io.Writer, root value) error {
	io.WriteString(w, xml.Header)
	e := xml.NewEncoder(w)
	e.Indent("", "\t")
	e.EncodeToken(xml.Directive(`DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd"`))
	plist := xml.StartElement{Name: xml.Name{Local: "plist"}, Attr: []xml.Attr{{Name: xml.Name{Local: "version"}, Value: "1.0"}}}
	e.EncodeToken(plist)
	write(e, root)
	e.EncodeToken(plist.End())
	return e.Flush()
}

func cpuNanos() int64 {
	var u syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &u)
	return u.Utime.Nano() + u.Stime.Nano()
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: go-peer PROFILE.xml [ITERATIONS]")
		os.Exit(2)
	}
	root, err := read(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "go-peer:", err)
		os.Exit(1)
	}
	iterations := 20000
	if len(os.Args) > 2 {
		n, err := strconv.Atoi(os.Args[2])
		if err != nil || n < 0 {
			fmt.Fprintln(os.Stderr, "go-peer: ITERATIONS must be a number")
			os.Exit(2)
		}
		if n == 0 {
			render(os.Stdout, root)
			return
		}
		iterations = n
	}
	size := 0
	for i := 0; i < iterations/10; i++ { // warm-up
		var b bytes.Buffer
		render(&b, root)
		size = b.Len()
	}
	var runs []float64
	for r := 0; r < 5; r++ {
		start := cpuNanos()
		for i := 0; i < iterations; i++ {
			var b bytes.Buffer
			if err := render(&b, root); err != nil {
				fmt.Fprintln(os.Stderr, "go-peer:", err)
				os.Exit(1)
			}
		}
		runs = append(runs, float64(cpuNanos()-start)/float64(iterations))
	}
	sort.Float64s(runs)
	fmt.Printf("median_cpu_ns=%.1f bytes=%d\n", runs[len(runs)/2], size)
}
