# Zhijian: make test runs everything CI runs; make demo scores the samples.
GO      ?= go
FUZZTIME ?= 10s

.PHONY: test demo build vet unit rules-test fuzz bench golden

test: vet unit rules-test fuzz

demo:
	$(GO) run ./cmd/zhijian demo

build:
	$(GO) build -o bin/zhijian ./cmd/zhijian

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || (echo "gofmt needed:"; gofmt -l $$(git ls-files '*.go'); exit 1)
	$(GO) vet ./...

# The store tests run against a private ClickHouse server that the script
# installs (as root, when missing), starts on a free port and stops.
unit:
	scripts/clickhouse-test $(GO) test -count=1 ./...

rules-test:
	$(GO) run ./cmd/zhijian rules check rules/packs
	$(GO) run ./cmd/zhijian rules test rules/packs rules/testdata

# A short run of every fuzz target; FUZZTIME=5m for a longer one.
fuzz:
	$(GO) test ./schemas -run '^$$' -fuzz '^FuzzDecode$$' -fuzztime $(FUZZTIME)
	$(GO) test ./rules/rulefmt -run '^$$' -fuzz '^FuzzParse$$' -fuzztime $(FUZZTIME)
	$(GO) test ./rules/match -run '^$$' -fuzz '^FuzzFind$$' -fuzztime $(FUZZTIME)
	$(GO) test ./rules/match -run '^$$' -fuzz '^FuzzFindMany$$' -fuzztime $(FUZZTIME)
	$(GO) test ./rules -run '^$$' -fuzz '^FuzzPrefilterNeverHidesAMatch$$' -fuzztime $(FUZZTIME)
	$(GO) test ./rules -run '^$$' -fuzz '^FuzzFindAllMatchesTheEngine$$' -fuzztime $(FUZZTIME)
	$(GO) test ./rules -run '^$$' -fuzz '^FuzzRegexConditionMatchesEngine$$' -fuzztime $(FUZZTIME)

bench:
	$(GO) test ./rules -run '^$$' -bench . -benchmem -count 1
	$(GO) run ./cmd/zhijian bench
	scripts/clickhouse-test $(GO) test ./store/... -run '^$$' -bench . -benchmem -count 1

# Rewrite testdata/golden after a deliberate change to packs or scoring.
golden:
	$(GO) test ./cmd/zhijian -run TestScoreReproducesGoldenResults -update
