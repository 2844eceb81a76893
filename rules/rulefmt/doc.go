// Package rulefmt is the rule-pack file format: the types of a pack, strict
// YAML parsing and static validation. It knows nothing of how conditions are
// evaluated; the engine in package rules compiles what this package returns.
//
// # Errors
//
// Parse reports every problem it can find, each as "file:line:col: message":
// YAML syntax, unknown or duplicate fields, wrong types, out-of-range values,
// duplicate ids, undefined lexicons, conditions and scenarios, reference
// cycles and invalid regular expressions. Errors is the list; it is an error.
package rulefmt
