package auth

// Role is what a user does in the console.
type Role string

// Roles.
const (
	Admin   Role = "admin"   // everything, every tenant
	QA      Role = "qa"      // review; every tenant or the assigned ones
	Trainer Role = "trainer" // coaching library; every tenant or the assigned ones
	Client  Role = "client"  // one tenant, read-only, no unredacted personal data
)

// Valid reports whether r is one of the four roles.
func (r Role) Valid() bool {
	switch r {
	case Admin, QA, Trainer, Client:
		return true
	}
	return false
}

// Action is something a handler asks a caller's role to allow.
type Action string

// Actions. Administer is the admin-only action; it is not called Admin
// because the role already has that name.
const (
	Read       Action = "read"       // dashboards and results of the tenants one may see: every role
	Review     Action = "review"     // confirm or overturn findings: qa, admin
	Coach      Action = "coach"      // coaching library and exports: trainer, qa, admin
	Administer Action = "administer" // users, settings, every tenant's operations: admin
	SeePII     Action = "see_pii"    // unredacted personal data: every role but client
)

// Actions returns every action, for tests and documentation.
func Actions() []Action {
	return []Action{Read, Review, Coach, Administer, SeePII}
}

// allows reports whether role r may do action a. Unknown roles and actions
// may do nothing.
func (r Role) allows(a Action) bool {
	switch a {
	case Read:
		return r.Valid()
	case Review:
		return r == QA || r == Admin
	case Coach:
		return r == Trainer || r == QA || r == Admin
	case Administer:
		return r == Admin
	case SeePII:
		return r == Admin || r == QA || r == Trainer
	}
	return false
}
