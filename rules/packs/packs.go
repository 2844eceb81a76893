// Package packs holds the shipped rule packs, embedded in the binary, and
// loads a pack by id or by file path.
package packs

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"

	"github.com/zhijian-qa/zhijian/rules"
	"github.com/zhijian-qa/zhijian/rules/rulefmt"
)

//go:embed *.yaml
var files embed.FS

// IDs lists the shipped packs.
func IDs() []string {
	entries, _ := fs.Glob(files, "*.yaml")
	var ids []string
	for _, e := range entries {
		if !strings.HasSuffix(e, "_test.yaml") {
			ids = append(ids, strings.TrimSuffix(e, ".yaml"))
		}
	}
	sort.Strings(ids)
	return ids
}

// Load compiles a pack given by id (a shipped pack) or by path (a file).
func Load(ref string) (*rules.Program, error) {
	var pack *rulefmt.Pack
	var err error
	if data, ferr := files.ReadFile(ref + ".yaml"); ferr == nil && !strings.ContainsAny(ref, `/\`) {
		pack, err = rulefmt.Parse(path.Join("rules/packs", ref+".yaml"), data)
	} else if _, serr := os.Stat(ref); serr == nil {
		pack, err = rulefmt.ParseFile(ref)
	} else if errors.Is(serr, fs.ErrNotExist) {
		return nil, fmt.Errorf("pack %q: no such file and no shipped pack of that id (shipped: %s)", ref, strings.Join(IDs(), ", "))
	} else {
		return nil, fmt.Errorf("pack %q: %w", ref, serr)
	}
	if err != nil {
		return nil, err
	}
	return rules.Compile(pack)
}

// All compiles every shipped pack.
func All() ([]*rules.Program, error) {
	var out []*rules.Program
	for _, id := range IDs() {
		p, err := Load(id)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}
