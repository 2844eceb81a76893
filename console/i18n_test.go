package console

import (
	"net/http/httptest"
	"testing"
)

func TestEveryMessageHasBothLanguages(t *testing.T) {
	for key, m := range messages {
		if m[0] == "" || m[1] == "" || m[0] == m[1] && key != "title" {
			t.Errorf("message %q: zh %q, en %q", key, m[0], m[1])
		}
	}
	if got := translator(en)("no_such_key"); got != "no_such_key" {
		t.Errorf("a missing key shows %q", got)
	}
}

func TestLanguageChoice(t *testing.T) {
	for _, c := range []struct{ url, cookie, accept, want string }{
		{"/?lang=en", "", "", en},
		{"/?lang=xx", "", "en-US,en;q=0.9", en},
		{"/", "zh", "en-US", zh},
		{"/", "", "", zh},
	} {
		r := httptest.NewRequest("GET", c.url, nil)
		if c.cookie != "" {
			r.Header.Set("Cookie", "zhijian_lang="+c.cookie)
		}
		r.Header.Set("Accept-Language", c.accept)
		if got := language(httptest.NewRecorder(), r); got != c.want {
			t.Errorf("%s cookie %q accept %q: %s, want %s", c.url, c.cookie, c.accept, got, c.want)
		}
	}
}
