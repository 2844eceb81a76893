# Zhijian: make test runs everything CI runs; make demo runs the pipeline on the samples.
GO      ?= go
# A count, not a duration: Go 1.26's fuzz coordinator can report its own
# -fuzztime deadline as a failure (golang/go#75804); a count has no deadline.
FUZZTIME ?= 40000x
# Minimizing a new input is bounded by a count too: by default it may take a minute.
FUZZ = -fuzztime $(FUZZTIME) -fuzzminimizetime 2000x

.PHONY: test deps demo build vet unit rules-test fuzz browser bench golden

test: deps vet unit rules-test browser fuzz

# The embedded DuckDB store is C++ behind cgo: a C compiler is needed.
# As root on Debian it is installed when missing.
deps:
	@command -v gcc >/dev/null 2>&1 || command -v cc >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gcc g++ libc6-dev >/dev/null; \
	  else echo "a C compiler (gcc) is needed for the embedded DuckDB store"; exit 1; fi; }

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

# The console in a real browser (Debian's chromium, playwright-core from npm,
# both installed when missing); screenshots in artifacts/screenshots.
browser:
	scripts/browser-test

rules-test:
	$(GO) run ./cmd/zhijian rules check rules/packs
	$(GO) run ./cmd/zhijian rules test rules/packs rules/testdata

# A short run of every fuzz target; FUZZTIME=2000000x for a longer one.
fuzz:
	$(GO) test ./schemas -run '^$$' -fuzz '^FuzzDecode$$' $(FUZZ)
	$(GO) test ./schemas -run '^$$' -fuzz '^FuzzParseJSONAgreesWithEncodingJSON$$' $(FUZZ)
	$(GO) test ./schemas -run '^$$' -fuzz '^FuzzAppendFindingsJSON$$' $(FUZZ)
	$(GO) test ./rules/rulefmt -run '^$$' -fuzz '^FuzzParse$$' $(FUZZ)
	$(GO) test ./rules/match -run '^$$' -fuzz '^FuzzFind$$' $(FUZZ)
	$(GO) test ./rules/match -run '^$$' -fuzz '^FuzzFindMany$$' $(FUZZ)
	$(GO) test ./rules/match -run '^$$' -fuzz '^FuzzStable$$' $(FUZZ)
	$(GO) test ./rules/match -run '^$$' -fuzz '^FuzzNormalizeFastPath$$' $(FUZZ)
	$(GO) test ./rules/match -run '^$$' -fuzz '^FuzzScanAgreesWithFind$$' $(FUZZ)
	$(GO) test ./rules -run '^$$' -fuzz '^FuzzPrefilterNeverHidesAMatch$$' $(FUZZ)
	$(GO) test ./rules -run '^$$' -fuzz '^FuzzFindAllMatchesTheEngine$$' $(FUZZ)
	$(GO) test ./rules -run '^$$' -fuzz '^FuzzRegexConditionMatchesEngine$$' $(FUZZ)
	$(GO) test ./audio -run '^$$' -fuzz '^FuzzDecode$$' $(FUZZ)
	$(GO) test ./audio/fetch -run '^$$' -fuzz '^FuzzOpenNeverEscapesRoot$$' $(FUZZ)
	$(GO) test ./redact -run '^$$' -fuzz '^FuzzStringNeverPanicsAndKeepsRunes$$' $(FUZZ)
	$(GO) test ./scorers/llm -run '^$$' -fuzz '^FuzzAnswer$$' $(FUZZ)
	$(GO) test ./scorers/llm -run '^$$' -fuzz '^FuzzVerify$$' $(FUZZ)
	$(GO) test ./scorers/calibrate -run '^$$' -fuzz '^FuzzReadLabels$$' $(FUZZ)
	$(GO) test ./console/auth -run '^$$' -fuzz '^FuzzSafeNext$$' $(FUZZ)
	$(GO) test ./console/auth -run '^$$' -fuzz '^FuzzLoginRequest$$' $(FUZZ)

# The console's store reads run over BENCH_ROWS interactions (a few
# minutes in all); the product's figures (store/duckdb/doc.go,
# store/clickhouse/doc.go) are of a million:
#   make bench BENCH_ROWS=1000000   (DuckDB ~15 min, ClickHouse longer)
BENCH_ROWS ?= 50000
bench:
	$(GO) test ./rules -run '^$$' -bench . -benchmem -count 1
	$(GO) test ./audio -run '^$$' -bench . -benchmem -count 1
	$(GO) test ./redact ./scorers/llm -run '^$$' -bench . -benchmem -count 1
	$(GO) run ./cmd/zhijian bench
	scripts/clickhouse-test $(GO) test ./store/... -run '^$$' -bench . -skip ConsoleQueries -benchmem -count 1
	ZHIJIAN_BENCH_ROWS=$(BENCH_ROWS) scripts/clickhouse-test $(GO) test ./store/duckdb ./store/clickhouse -run '^$$' \
	  -bench ConsoleQueries -benchtime 1x -count 1 -timeout 120m

# Rewrite testdata/golden after a deliberate change to packs or scoring.
golden:
	$(GO) test ./cmd/zhijian -run TestScoreReproducesGoldenResults -update
