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
		if err != nil {
			t.Fatal(err)
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

// FuzzFindMany compares the automaton with a naive search for every
// phrase at every position.
func FuzzFindMany(f *testing.F) {
	f.Add("he|she|his|hers", "ushers and his")
	f.Add("们他|我们他们|他们的|们", "我们他们的")
	f.Add("保价必赔|必赔|保价", "放心保价必赔的")
	f.Fuzz(func(t *testing.T, list, text string) {
		var phrases []string
		for _, p := range strings.Split(list, "|") {
			if n := NormalizeString(p); n != "" && len(phrases) < 8 {
				phrases = append(phrases, n)
			}
		}
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
	})
}
