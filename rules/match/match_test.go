package match

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestNormalize(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"非常理解，您的心情！", "非常理解您的心情"},
		{"非常 理解 您的心情", "非常理解您的心情"},
		{"Calm  DOWN!!", "calm down"},
		{"ＡＢＣ１２３", "abc123"},
		{"That's not my problem.", "thats not my problem"},
		{"It isn’t MY problem", "it isnt my problem"},
		{"ｃａｌｍ　ｄｏｗｎ！", "calm down"},
		{"\u00a0非常\t抱歉 ok", "非常抱歉ok"},
		{"打12305 投诉", "打12305投诉"},
		{"  hello,world  ", "hello world"},
	} {
		if got := NormalizeString(tc.in); got != tc.want {
			t.Errorf("NormalizeString(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNormalizeMapsBackToOriginal(t *testing.T) {
	var tx Text
	in := "您好，请问 ＡＢ"
	Normalize(&tx, in)
	if string(tx.Norm) != "您好请问ab" {
		t.Fatalf("norm = %q", tx.Norm)
	}
	// The byte of "a" must map to the code point 'Ａ'.
	i := strings.IndexByte(string(tx.Norm), 'a')
	if got, _ := utf8.DecodeRuneInString(in[tx.Orig[i]:]); got != 'Ａ' {
		t.Errorf("orig of 'a' = %q", got)
	}
}

func find(t *testing.T, phrases []string, text string) []string {
	t.Helper()
	norm := make([]string, len(phrases))
	for i, p := range phrases {
		norm[i] = NormalizeString(p)
	}
	m, err := Compile(norm, len(norm))
	if err != nil {
		t.Fatal(err)
	}
	var tx Text
	Normalize(&tx, text)
	var got []string
	for _, x := range m.Find(tx.Norm, nil) {
		got = append(got, string(tx.Norm[x.Start:x.End]))
	}
	if n := m.Count(tx.Norm); n < len(got) {
		t.Errorf("Count = %d, Find found %d", n, len(got))
	}
	return got
}

func TestFindOverlappingAndSuffixes(t *testing.T) {
	got := find(t, []string{"们他", "我们他们", "他们的", "们"}, "我们他们的")
	want := []string{"们", "们他", "我们他们", "们", "他们的"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestFindChineseIgnoresPunctuation(t *testing.T) {
	got := find(t, []string{"保价必赔", "理解您的心情", "心情"}, "放心，保价 必赔的！非常理解您的心情")
	want := []string{"保价必赔", "理解您的心情", "心情"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestFindLatinWholeWords(t *testing.T) {
	got := find(t, []string{"calm down", "sue", "bbb"}, "Please CALM down, I will pursue the BBB; calm downstairs")
	want := []string{"calm down", "bbb"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := find(t, []string{"12305"}, "拨打123050不算，拨打12305算"); len(got) != 1 {
		t.Errorf("digits must match whole numbers: %q", got)
	}
}

func TestCompileRejectsEmpty(t *testing.T) {
	if _, err := Compile([]string{"a", ""}, 2); err == nil {
		t.Error("want an error for an empty phrase")
	}
}

func FuzzFind(f *testing.F) {
	f.Add("ushers", "she")
	f.Add("我们他们的", "们他")
	f.Add("保价，必赔", "保价必赔")
	f.Fuzz(func(t *testing.T, text, phrase string) {
		p := NormalizeString(phrase)
		if p == "" {
			return
		}
		m, err := Compile([]string{p}, 1)
		if long := utf8.RuneCountInString(p) > MaxRunes; long || err != nil {
			if !long || err == nil {
				t.Fatalf("%d code points: error %v", utf8.RuneCountInString(p), err)
			}
			return
		}
		var tx Text
		Normalize(&tx, text)
		if len(tx.Orig) != len(tx.Norm) {
			t.Fatalf("orig %d != norm %d", len(tx.Orig), len(tx.Norm))
		}
		for _, x := range m.Find(tx.Norm, nil) {
			if string(tx.Norm[x.Start:x.End]) != p {
				t.Fatalf("match %q != phrase %q", tx.Norm[x.Start:x.End], p)
			}
		}
		// Every plain occurrence is found unless it breaks a word.
		if strings.Count(string(tx.Norm), p) > 0 && m.bounded[0] == 0 && len(m.Find(tx.Norm, nil)) == 0 {
			t.Fatalf("%q not found in %q", p, tx.Norm)
		}
	})
}

// fuzzPhrases reads up to 8 phrases, normalized, from a fuzzed list
// separated by "|".
func fuzzPhrases(list string) []string {
	var phrases []string
	for _, p := range strings.Split(list, "|") {
		if n := NormalizeString(p); n != "" && utf8.RuneCountInString(n) <= MaxRunes && len(phrases) < 8 {
			phrases = append(phrases, n)
		}
	}
	return phrases
}

// FuzzFindMany compares the automaton with a naive search for every
// phrase at every position.
func FuzzFindMany(f *testing.F) {
	f.Add("he|she|his|hers", "ushers and his")
	f.Add("们他|我们他们|他们的|们", "我们他们的")
	f.Add("保价必赔|必赔|保价", "放心保价必赔的")
	f.Fuzz(func(t *testing.T, list, text string) {
		phrases := fuzzPhrases(list)
		if len(phrases) == 0 {
			return
		}
		m, err := Compile(phrases, 0) // anywhere: no word boundaries
		if err != nil {
			t.Fatal(err)
		}
		var tx Text
		Normalize(&tx, text)
		var got, want []string
		for _, x := range m.Find(tx.Norm, nil) {
			got = append(got, fmt.Sprint(x.Phrase, x.Start, x.End))
		}
		norm := string(tx.Norm)
		for id, p := range phrases {
			for i := 0; i+len(p) <= len(norm); i++ {
				if strings.HasPrefix(norm[i:], p) {
					want = append(want, fmt.Sprint(id, i, i+len(p)))
				}
			}
		}
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("phrases %q in %q: got %v, want %v", phrases, norm, got, want)
		}
		if n := m.Count(tx.Norm); n != len(want) {
			t.Fatalf("Count = %d, want %d", n, len(want))
		}
		// The same with sparse states only, but for the root.
		sparse, err := compile(phrases, Options{Original: len(phrases)}, 1)
		if err != nil {
			t.Fatal(err)
		}
		if got := sparse.Find(tx.Norm, nil); !slices.Equal(got, m.Find(tx.Norm, nil)) {
			t.Fatalf("phrases %q in %q: sparse %v, dense %v", phrases, norm, got, m.Find(tx.Norm, nil))
		}
	})
}

func TestStable(t *testing.T) {
	for _, tc := range []struct {
		in, norm string
		ok       bool
	}{
		{"SF", "sf", true},
		{"收件人", "收件人", true},
		{"ＡＢ", "ab", true},
		{"？", "", false},
		{"a b", "a b", false},
		{"don't", "dont", false},
		{"⑴b", "1b", false},
	} {
		norm, ok := Stable(tc.in)
		if ok != tc.ok || ok && norm != tc.norm {
			t.Errorf("Stable(%q) = %q, %v; want %q, %v", tc.in, norm, ok, tc.norm, tc.ok)
		}
	}
}

// FuzzStable: wherever a stable string occurs in a text, the normalized
// text holds its normalized form, starting at a byte that maps back to
// where it occurs.
func FuzzStable(f *testing.F) {
	f.Add("单号SF1402387765120", "SF")
	f.Add("a⑴b", "⑴b")
	f.Add("Ａ１，b", "１")
	f.Add("⑴", "\xe2")
	f.Fuzz(func(t *testing.T, text, lit string) {
		norm, ok := Stable(lit)
		if !ok {
			return
		}
		var tx Text
		Normalize(&tx, text)
		for p := 0; p+len(lit) <= len(text); p++ {
			if !strings.HasPrefix(text[p:], lit) {
				continue
			}
			found := false
			for q := 0; q+len(norm) <= len(tx.Norm) && !found; q++ {
				found = tx.Orig[q] == int32(p) && string(tx.Norm[q:q+len(norm)]) == norm
			}
			if !found {
				t.Fatalf("%q at %d of %q: %q not in %q", lit, p, text, norm, tx.Norm)
			}
		}
	})
}

// FuzzNormalizeFastPath: Normalize, which decodes ASCII and Han in line,
// agrees with reading the text one code point at a time.
func FuzzNormalizeFastPath(f *testing.F) {
	f.Add("您好，请问 ＡＢ")
	f.Add("\xe4\xb8\xe4\xb8\xad㐀\u4dc0\xed\xa0\x80 x")
	f.Fuzz(func(t *testing.T, s string) {
		var fast Text
		Normalize(&fast, s)
		var slow writer
		for i, r := range s {
			if r < utf8.RuneSelf {
				slow.ascii(r, int32(i))
			} else {
				slow.rune(r, int32(i))
			}
		}
		if fast.Invalid == utf8.ValidString(s) {
			t.Fatalf("%q: Invalid = %v", s, fast.Invalid)
		}
		if !slices.Equal(fast.Norm, slow.norm) || !slices.Equal(fast.Orig, slow.orig) {
			t.Fatalf("%q: %q %v, one by one %q %v", s, fast.Norm, fast.Orig, slow.norm, slow.orig)
		}
	})
}

// FuzzScanAgreesWithFind: Scan, which normalizes and matches in one pass,
// finds what Find finds in the normalized text, at the same places.
func FuzzScanAgreesWithFind(f *testing.F) {
	f.Add("he|she|Calm Down|12305", "ushers, CALM down! 123050 12305 calm downs")
	f.Add("们他|我们他们|他们的|们", "我们，他们的")
	f.Add("保价必赔|必赔|ok|a", "放心\u00a0保价 必赔的 ＯＫ a'b ﬁ ㎏ \xff")
	f.Add("中国|?", "中国？好吗? é e\u0301")
	f.Fuzz(func(t *testing.T, list, text string) {
		phrases := fuzzPhrases(list)
		if len(phrases) == 0 {
			return
		}
		// Some whole words, some anywhere, and some code points looked for
		// in the original text.
		originals := []string{"？", "?", "中", "é"}
		all := append(slices.Clone(phrases), originals...)
		opts := Options{Anywhere: len(phrases) / 2, Original: len(phrases)}
		m, err := CompileWith(all, opts)
		if err != nil {
			t.Fatal(err)
		}
		var wantOrig []Hit
		for i, r := range text {
			if n := slices.Index(originals, string(r)); n >= 0 {
				wantOrig = append(wantOrig, Hit{Phrase: int32(len(phrases) + n), Start: int32(i), Last: int32(i)})
			}
		}
		var tx Text
		Normalize(&tx, text)
		var want []Hit
		for _, x := range m.Find(tx.Norm, nil) {
			want = append(want, Hit{Phrase: x.Phrase,
				NStart: int32(utf8.RuneCount(tx.Norm[:x.Start])), NEnd: int32(utf8.RuneCount(tx.Norm[:x.End])),
				Start: tx.Orig[x.Start], Last: tx.Orig[x.End-1]})
		}
		// The same with sparse states only, but for the root.
		sparse, err := compile(all, opts, 1)
		if err != nil {
			t.Fatal(err)
		}
		var sc Scanner
		for _, m := range []*Matcher{m, sparse, m} { // the last with the scanner's buffers in use
			hits, valid := sc.Scan(m, text, nil)
			var got, gotOrig []Hit
			for _, h := range hits {
				if int(h.Phrase) >= len(phrases) {
					h.NStart, h.NEnd = 0, 0
					gotOrig = append(gotOrig, h)
				} else {
					got = append(got, h)
				}
			}
			if !slices.Equal(got, want) || valid != utf8.ValidString(text) {
				t.Fatalf("phrases %q in %q (%q): Scan %v, %v; Find %v", phrases, text, tx.Norm, got, valid, want)
			}
			if !slices.Equal(gotOrig, wantOrig) {
				t.Fatalf("%q: original code points %v, want %v", text, gotOrig, wantOrig)
			}
		}
	})
}

// TestScanPunctuation checks Scan's short way for CJK and full-width
// punctuation against Normalize and Find, code point by code point.
func TestScanPunctuation(t *testing.T) {
	phrases := []string{"a b", "ab", "b中", "中文", "a1", "a", "1"}
	m, err := CompileWith(append(slices.Clone(phrases), "？"), Options{Anywhere: 5, Original: len(phrases)})
	if err != nil {
		t.Fatal(err)
	}
	var sc Scanner
	for _, base := range []rune{0x3000, 0xff00} {
		for r := base; r < base+0x80; r++ {
			text := "a" + string(r) + "b中" + string(r) + "文" + string(r) + "1"
			var tx Text
			Normalize(&tx, text)
			var want []Hit
			for _, x := range m.Find(tx.Norm, nil) {
				want = append(want, Hit{Phrase: x.Phrase,
					NStart: int32(utf8.RuneCount(tx.Norm[:x.Start])), NEnd: int32(utf8.RuneCount(tx.Norm[:x.End])),
					Start: tx.Orig[x.Start], Last: tx.Orig[x.End-1]})
			}
			hits, _ := sc.Scan(m, text, nil)
			var got []Hit
			originals := 0
			for _, h := range hits {
				if int(h.Phrase) == len(phrases) {
					originals++
				} else {
					got = append(got, h)
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%U in %q (%q): Scan %v, Find %v", r, text, tx.Norm, got, want)
			}
			if wantOrig := map[bool]int{true: 3}[r == '？']; originals != wantOrig {
				t.Fatalf("%U: %d originals, want %d", r, originals, wantOrig)
			}
		}
	}
}

// An original code point dropped by normalization has the place in the
// normalized text where it would be: after the code points before it.
func TestOriginalsHaveTheirPlace(t *testing.T) {
	m, err := CompileWith([]string{"好吗", "？", "?"}, Options{Original: 1})
	if err != nil {
		t.Fatal(err)
	}
	var sc Scanner
	for _, c := range []struct {
		text   string
		nplace []int32
	}{
		{"好？吗？", []int32{1, 2}},
		{"好吗。？", []int32{2}},
		{"ab ? c？中", []int32{2, 4}},
		{"中文？x", []int32{2}},
	} {
		hits, _ := sc.Scan(m, c.text, nil)
		var got []int32
		for _, h := range hits {
			if h.Phrase > 0 {
				got = append(got, h.NStart)
			}
		}
		if !slices.Equal(got, c.nplace) {
			t.Errorf("%q: original hits at %v, want %v", c.text, got, c.nplace)
		}
	}
}
