package auth

import (
	"context"
	"slices"
)

// Principal is the caller of a request. Construct one with NewPrincipal (or
// get it from Auth.Authenticate or From); a zero Principal of a role other
// than admin, qa or trainer sees nothing.
type Principal struct {
	User string
	Role Role
	// tenants are the tenants the caller may see; nil means all of them,
	// which only admin, qa and trainer can have.
	tenants []string
	// token is set when the caller came with an API token, not a session.
	token bool
}

// NewPrincipal returns the principal of a configured user.
func NewPrincipal(u User) *Principal {
	p := &Principal{User: u.Name, Role: u.Role}
	switch u.Role {
	case Admin:
	case QA, Trainer:
		if len(u.Tenants) > 0 {
			p.tenants = slices.Clone(u.Tenants)
		}
	default:
		// A client sees its tenants (Validate makes that exactly one); an
		// unknown role none. Never nil: nil would mean all.
		p.tenants = append([]string{}, u.Tenants...)
	}
	return p
}

// AllTenants reports whether the caller may see every tenant.
func (p *Principal) AllTenants() bool {
	if p == nil || p.tenants != nil {
		return false
	}
	return p.Role == Admin || p.Role == QA || p.Role == Trainer
}

// Tenants returns the tenants the caller may see, nil meaning all. A
// caller restricted to no tenant gets an empty, non-nil slice.
func (p *Principal) Tenants() []string {
	if p.AllTenants() {
		return nil
	}
	if p == nil {
		return []string{}
	}
	return append([]string{}, p.tenants...)
}

// CanSee reports whether the caller may see the tenant's data.
func (p *Principal) CanSee(tenant string) bool {
	if tenant == "" {
		return false
	}
	return p.AllTenants() || (p != nil && slices.Contains(p.tenants, tenant))
}

// Scope narrows the tenants a caller asked for to those it may see. Asking
// for none (nil or empty) means all it may see. Tenants it may not see are
// dropped, as are repeats. ok is false when nothing is left: the handler
// then answers 404 or an empty result, never another tenant's data.
//
// tenants is nil with ok true only for a caller that may see every tenant
// and asked for all of them; pass it to store.Filter.Tenants as is, where
// nil does not filter.
func (p *Principal) Scope(asked []string) (tenants []string, ok bool) {
	if len(asked) == 0 {
		if p.AllTenants() {
			return nil, true
		}
		if p == nil || len(p.tenants) == 0 {
			return nil, false
		}
		return slices.Clone(p.tenants), true
	}
	for _, t := range asked {
		if p.CanSee(t) && !slices.Contains(tenants, t) {
			tenants = append(tenants, t)
		}
	}
	if len(tenants) == 0 {
		return nil, false
	}
	return tenants, true
}

// Can reports whether the caller's role allows the action.
func (p *Principal) Can(action Action) bool {
	return p != nil && p.Role.allows(action)
}

// ViaToken reports whether the caller came with an API token rather than a
// session cookie.
func (p *Principal) ViaToken() bool {
	return p != nil && p.token
}

type principalKey struct{}

// NewContext returns ctx carrying p. Require does this; handler tests may too.
func NewContext(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// From returns the principal Require put in ctx, nil when there is none.
func From(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}
