package auth

import (
	"context"
	"slices"
	"testing"
)

func TestScopeAndCanSeePerRole(t *testing.T) {
	type ask struct {
		asked []string
		want  []string
		ok    bool
	}
	for _, tc := range []struct {
		name    string
		p       *Principal
		all     bool
		tenants []string
		see     map[string]bool
		asks    []ask
	}{
		{
			name: "client of a", p: NewPrincipal(User{Name: "cleo", Role: Client, Tenants: []string{"a"}}),
			tenants: []string{"a"}, see: map[string]bool{"a": true, "b": false, "": false},
			asks: []ask{
				{[]string{"b"}, nil, false},
				{nil, []string{"a"}, true},
				{[]string{}, []string{"a"}, true},
				{[]string{"a", "b"}, []string{"a"}, true},
				{[]string{"b", "c"}, nil, false},
			},
		},
		{
			name: "qa assigned a and c", p: NewPrincipal(User{Name: "quinn", Role: QA, Tenants: []string{"a", "c"}}),
			tenants: []string{"a", "c"}, see: map[string]bool{"a": true, "b": false, "c": true},
			asks: []ask{
				{[]string{"a", "b"}, []string{"a"}, true},
				{nil, []string{"a", "c"}, true},
				{[]string{"b"}, nil, false},
				{[]string{"c", "a", "c"}, []string{"c", "a"}, true},
			},
		},
		{
			name: "trainer assigned b", p: NewPrincipal(User{Name: "tess", Role: Trainer, Tenants: []string{"b"}}),
			tenants: []string{"b"}, see: map[string]bool{"a": false, "b": true},
			asks: []ask{{nil, []string{"b"}, true}, {[]string{"a"}, nil, false}},
		},
		{
			name: "qa with all tenants", p: NewPrincipal(User{Name: "q", Role: QA}), all: true,
			see:  map[string]bool{"a": true, "zz": true, "": false},
			asks: []ask{{nil, nil, true}, {[]string{"b", "", "b"}, []string{"b"}, true}},
		},
		{
			name: "trainer with all tenants", p: NewPrincipal(User{Name: "t", Role: Trainer}), all: true,
			see:  map[string]bool{"a": true},
			asks: []ask{{nil, nil, true}, {[]string{"b"}, []string{"b"}, true}},
		},
		{
			name: "admin, whose tenants are ignored", p: NewPrincipal(User{Name: "ada", Role: Admin, Tenants: []string{"a"}}), all: true,
			see:  map[string]bool{"a": true, "b": true, "": false},
			asks: []ask{{nil, nil, true}, {[]string{"b"}, []string{"b"}, true}, {[]string{""}, nil, false}},
		},
		{
			name: "client without a tenant sees nothing", p: NewPrincipal(User{Name: "c", Role: Client}),
			tenants: []string{}, see: map[string]bool{"a": false},
			asks: []ask{{nil, nil, false}, {[]string{"a"}, nil, false}},
		},
		{
			name: "zero client principal sees nothing", p: &Principal{User: "c", Role: Client},
			tenants: []string{}, see: map[string]bool{"a": false},
			asks: []ask{{nil, nil, false}, {[]string{"a"}, nil, false}},
		},
		{
			name: "unknown role sees nothing", p: NewPrincipal(User{Name: "x", Role: "boss"}),
			tenants: []string{}, see: map[string]bool{"a": false},
			asks: []ask{{nil, nil, false}},
		},
		{
			name: "nil principal sees nothing", p: nil,
			tenants: []string{}, see: map[string]bool{"a": false},
			asks: []ask{{nil, nil, false}, {[]string{"a"}, nil, false}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.p.AllTenants(); got != tc.all {
				t.Errorf("AllTenants = %v, want %v", got, tc.all)
			}
			got := tc.p.Tenants()
			if !slices.Equal(got, tc.tenants) || (got == nil) != (tc.tenants == nil) {
				t.Errorf("Tenants = %#v, want %#v", got, tc.tenants)
			}
			for tenant, want := range tc.see {
				if got := tc.p.CanSee(tenant); got != want {
					t.Errorf("CanSee(%q) = %v, want %v", tenant, got, want)
				}
			}
			for _, a := range tc.asks {
				got, ok := tc.p.Scope(a.asked)
				if ok != a.ok || !slices.Equal(got, a.want) || (got == nil) != (a.want == nil) {
					t.Errorf("Scope(%#v) = %#v, %v, want %#v, %v", a.asked, got, ok, a.want, a.ok)
				}
				if ok && got == nil && !tc.p.AllTenants() {
					t.Errorf("Scope(%#v) gave nil (all) to a restricted caller", a.asked)
				}
			}
		})
	}
}

func TestTenantsCannotBeChangedThroughResults(t *testing.T) {
	u := User{Name: "quinn", Role: QA, Tenants: []string{"a", "c"}}
	p := NewPrincipal(u)
	u.Tenants[0] = "b"
	p.Tenants()[0] = "b"
	s, _ := p.Scope(nil)
	s[0] = "b"
	if p.CanSee("b") || !p.CanSee("a") {
		t.Fatalf("tenants changed: %v", p.Tenants())
	}
}

func TestCanPerRole(t *testing.T) {
	want := map[Role][]Action{
		Admin:   {Read, Review, Coach, Administer, SeePII},
		QA:      {Read, Review, Coach, SeePII},
		Trainer: {Read, Coach, SeePII},
		Client:  {Read},
		"boss":  {},
	}
	for role, allowed := range want {
		p := &Principal{User: "u", Role: role}
		for _, a := range append(Actions(), "delete_everything") {
			if got := p.Can(a); got != slices.Contains(allowed, a) {
				t.Errorf("%s.Can(%s) = %v", role, a, got)
			}
		}
	}
	var nobody *Principal
	if nobody.Can(Read) {
		t.Error("nil principal can read")
	}
}

func TestFromReturnsThePrincipalOfTheContext(t *testing.T) {
	if From(context.Background()) != nil {
		t.Error("From(empty context) is not nil")
	}
	p := &Principal{User: "ada", Role: Admin}
	if From(NewContext(context.Background(), p)) != p {
		t.Error("From does not return the principal put in")
	}
}
