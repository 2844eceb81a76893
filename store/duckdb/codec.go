//go:build cgo

package duckdb

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/klauspost/compress/s2"

	"github.com/zhijian-qa/zhijian/schemas"
	"github.com/zhijian-qa/zhijian/store"
)

// results.result_s2 holds a result's JSON encoding compressed with S2
// (github.com/klauspost/compress/s2). Uncompressed, the JSON of a result
// with 38 findings is about 12 KB, and writing and checkpointing those
// bytes would cost DuckDB more than everything else a batch writes; S2
// takes about a quarter of that, at a fraction of the cost of encoding the
// JSON.

// encoder encodes results, reusing its buffers; the returned slices are
// its own.
type encoder struct {
	js  bytes.Buffer
	enc *json.Encoder
	s2  []byte
	doc []byte
}

// noFindings is what encoding/json writes for a result without findings;
// the findings, most of a result's bytes, are written in its place by
// schemas.AppendFindingsJSON, which is several times faster. Inside a JSON
// string the quotes would be escaped, so it can only be the field itself.
var noFindings = []byte(`"findings":null`)

func newEncoder() *encoder {
	e := &encoder{}
	e.enc = json.NewEncoder(&e.js)
	e.enc.SetEscapeHTML(false)
	return e
}

func (e *encoder) encode(r *schemas.Result) ([]byte, error) {
	rest := *r
	rest.Findings = nil
	e.js.Reset()
	if err := e.enc.Encode(&rest); err != nil {
		return nil, err
	}
	js := bytes.TrimSuffix(e.js.Bytes(), []byte("\n"))
	i := bytes.Index(js, noFindings)
	if i < 0 {
		return nil, errors.New("encode: no findings field")
	}
	doc := append(append(e.doc[:0], js[:i]...), `"findings":`...)
	doc, err := schemas.AppendFindingsJSON(doc, r.Findings)
	if err != nil {
		return nil, err
	}
	js = append(doc, js[i+len(noFindings):]...)
	e.doc = js
	if n := s2.MaxEncodedLen(len(js)); cap(e.s2) < n {
		e.s2 = make([]byte, n)
	}
	return bytes.Clone(s2.Encode(e.s2[:cap(e.s2)], js)), nil
}

func decodeResult(b []byte) (*schemas.Result, error) {
	js, err := s2.Decode(nil, b)
	if err != nil {
		return nil, fmt.Errorf("decompress: %w", err)
	}
	r := new(schemas.Result)
	if err := json.Unmarshal(js, r); err != nil {
		return nil, err
	}
	return r, nil
}

// encodeAll starts encoding rs on up to GOMAXPROCS goroutines and
// returns a function that waits for them; it is most of the CPU time of a
// write outside DuckDB, so Write does DuckDB's part meanwhile. A result
// that cannot be encoded is store.ErrInvalid.
func encodeAll(rs []resultRow) (wait func() error) {
	const perWorker = 32
	workers := min(runtime.GOMAXPROCS(0), (len(rs)+perWorker-1)/perWorker)
	errs := make([]error, len(rs))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			e := newEncoder()
			for i := w; i < len(rs); i += workers {
				rs[i].doc, errs[i] = e.encode(rs[i].R)
			}
		}()
	}
	return func() error {
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				r := rs[i].R
				return fmt.Errorf("%w: result %s/%s %s %s: encode: %w", store.ErrInvalid, r.Tenant, r.InteractionID, r.Scorecard, r.ScorecardVersion, err)
			}
		}
		return nil
	}
}
