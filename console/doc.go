// Package console is the web console and JSON API that QA reviewers,
// client account managers, trainers and admins use: server-rendered pages
// (html/template, assets embedded with go:embed, no CDN, works offline) in
// Chinese and English, and the same data as JSON under /api/v1. Every
// page and API call runs behind console/auth, which decides the caller's
// tenants; every store query is narrowed to them, and an id outside them
// answers 404.
package console
