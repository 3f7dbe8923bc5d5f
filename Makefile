# docproc -- build, run and test.  `make run` and `make test` are the two front doors.
#   make SANITIZE=address,undefined test   builds into build-san/ with sanitizers
#   make SANITIZE=thread test              builds into build-tsan/ with ThreadSanitizer
#   make tsan                              unit + API e2e suites under ThreadSanitizer
#   make valgrind                          unit suites under valgrind memcheck
#   make fuzz [FUZZ_SECONDS=20]            libFuzzer harnesses (clang) into build-fuzz/, run each

CC       ?= cc
SANITIZE ?=
# ThreadSanitizer cannot be combined with the others: its objects go to a directory of their own.
BUILD    := build$(if $(SANITIZE),-$(if $(findstring thread,$(SANITIZE)),tsan,san))
PKGS     := libmicrohttpd hiredis tesseract lept libcurl libcjson poppler-glib libpcre2-8 libcrypto cairo \
            libxml-2.0 zbar
WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wno-missing-field-initializers -Werror
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 -D_GNU_SOURCE -pthread $(WARN) -Icommon
LDFLAGS  += -pthread -Wl,--as-needed
ifneq ($(SANITIZE),)
CFLAGS   += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS  += -fsanitize=$(SANITIZE)
endif

# pkg-config is only consulted once the libraries are installed (make deps).
# libpng and libtiff come with Leptonica; decode_stream calls them directly (big pages row by row).
IMG_PKGS   := libpng libtiff-4
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) $(IMG_PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) $(IMG_PKGS) 2>/dev/null) -llinear -lm
CHECK_LIBS = $(shell pkg-config --libs check 2>/dev/null)

COMMON_SRC   := $(sort $(wildcard common/*.c))
API_SRC      := $(sort $(wildcard api/api_*.c))
ADMIN_SRC    := $(sort $(wildcard api/admin_*.c))
WORKER_SRC   := $(sort $(wildcard workers/worker_*.c))
WEBHOOKD_SRC := $(sort $(wildcard workers/webhookd_*.c))
TEST_SRC     := $(sort $(wildcard tests/*.c))
CHECK_FILES  := $(sort $(wildcard tests/check_*.c))
EVAL_SRC     := $(sort $(wildcard tests/tools/eval*.c))

Q := $(if $(V),,@)
obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))
LIB      := $(BUILD)/libdocproc.a
PROGS    := $(if $(API_SRC),$(BUILD)/docproc-api) $(if $(ADMIN_SRC),$(BUILD)/docproc-admin) \
            $(if $(WORKER_SRC),$(BUILD)/docproc-worker) $(if $(WEBHOOKD_SRC),$(BUILD)/docproc-webhookd)
# Program objects minus their main(), so tests can link program logic too.
APP_OBJ  := $(call obj,$(filter-out %_main.c,$(API_SRC) $(WORKER_SRC) $(WEBHOOKD_SRC) $(ADMIN_SRC)))
RUNNER   := $(BUILD)/check_docproc

.PHONY: all deps build run test unit e2e tsan tsan-run test-cluster install bench bench-tunnel eval train-kv lint format valgrind \
        fuzz fuzz-bins clean
all: build
# The eval and bench tools are built too, so a change that breaks them fails `make test`.
build: $(PROGS) $(RUNNER) $(BUILD)/docproc-eval $(BUILD)/docproc-bench $(BUILD)/docproc-probe \
       $(BUILD)/docproc-formprobe

deps:
	@config/deps.sh

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(V),,echo "  CC      $<")
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -Itests -I$(BUILD) -MMD -MP -c $< -o $@

$(LIB): $(call obj,$(COMMON_SRC))
	@rm -f $@
	$(Q)ar rcs $@ $^

# GET /v1/openapi.json serves api/openapi.json from inside the binary: od turns it into the
# byte list api/api_openapi.c includes (no xxd needed).
$(BUILD)/openapi.inc: api/openapi.json
	@mkdir -p $(BUILD)
	$(Q)od -An -v -tx1 $< | sed -e 's/[0-9a-f][0-9a-f]/0x&,/g' > $@.tmp && mv $@.tmp $@
$(call obj,api/api_openapi.c): $(BUILD)/openapi.inc

# The key-value pairing model (config/kv_model.txt, written by `make train-kv`) is embedded the
# same way; without the file the programs pair by the hand rules.
$(BUILD)/kv_model.inc: $(wildcard config/kv_model.txt) Makefile
	@mkdir -p $(BUILD)
	$(Q)if [ -f config/kv_model.txt ]; then od -An -v -tx1 config/kv_model.txt | \
	  sed -e 's/[0-9a-f][0-9a-f]/0x&,/g'; fi > $@.tmp && mv $@.tmp $@
$(call obj,common/form_model.c): $(BUILD)/kv_model.inc

# Lua scripts (common/lua/NAME.lua) are embedded the same way, one DP_LUA(NAME, "sha1", bytes)
# entry each (scripts.h/scripts.c expand them); the SHA1 Redis knows them by is computed here.
LUA_SRC := $(sort $(wildcard common/lua/*.lua))
$(BUILD)/lua_scripts.inc: $(LUA_SRC) Makefile
	@mkdir -p $(BUILD)
	$(Q)for f in $(LUA_SRC); do n=$$(basename $$f .lua); s=$$(sha1sum $$f | cut -c1-40); \
	  echo "DP_LUA($$n, \"$$s\","; od -An -v -tx1 $$f | sed -e 's/[0-9a-f][0-9a-f]/0x&,/g'; \
	  echo ")"; done > $@.tmp && mv $@.tmp $@
# Any object may include scripts.h: have the list before compiling (-MMD tracks it afterwards).
$(call obj,$(COMMON_SRC) $(API_SRC) $(ADMIN_SRC) $(WORKER_SRC) $(WEBHOOKD_SRC) $(TEST_SRC)): | \
  $(BUILD)/lua_scripts.inc

$(BUILD)/docproc-api: $(call obj,$(API_SRC)) $(LIB)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)
$(BUILD)/docproc-admin: $(call obj,$(ADMIN_SRC)) $(LIB)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)
$(BUILD)/docproc-worker: $(call obj,$(WORKER_SRC)) $(LIB)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)
$(BUILD)/docproc-webhookd: $(call obj,$(WEBHOOKD_SRC)) $(LIB)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# The Check runner: every tests/check_NAME.c exports `Suite *NAME_suite(void)`;
# files named check_e2e_* are end-to-end suites (real redis, nginx, API, workers).
$(BUILD)/suites.inc: $(CHECK_FILES) Makefile
	@mkdir -p $(BUILD)
	@for f in $(CHECK_FILES); do \
	  n=$$(basename $$f .c); n=$${n#check_}; \
	  case $$n in e2e_*) k=1;; *) k=0;; esac; \
	  echo "SUITE($$n, $$k)"; done > $@.tmp && mv $@.tmp $@
$(call obj,$(TEST_SRC)): $(BUILD)/suites.inc
# The runner also links the eval tool's scorers (tests/tools/eval*.c but its main): suite eval_score.
$(RUNNER): $(call obj,$(TEST_SRC) $(filter-out %eval_main.c,$(EVAL_SRC))) $(APP_OBJ) $(LIB)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS) $(CHECK_LIBS)

TEST_ENV := DOCPROC_BIN_DIR=$(CURDIR)/$(BUILD) DOCPROC_SRC_DIR=$(CURDIR) OMP_THREAD_LIMIT=1 \
            LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 \
            TSAN_OPTIONS=suppressions=$(CURDIR)/tests/tsan.supp:print_suppressions=0:second_deadlock_stack=1

test: deps
	@$(MAKE) --no-print-directory build
	$(TEST_ENV) $(RUNNER) all
unit: deps
	@$(MAKE) --no-print-directory build
	$(TEST_ENV) $(RUNNER) unit
e2e: deps
	@$(MAKE) --no-print-directory build
	$(TEST_ENV) $(RUNNER) e2e

# ThreadSanitizer over the unit suites and the API's end-to-end suites (many clients at once,
# suspended wait= connections and their poller thread, training threads):
# a race reported by the runner or by a server in its log fails it. Builds into build-tsan/.
TSAN_E2E := e2e_api e2e_concurrency e2e_openapi e2e_wait e2e_classifier e2e_commit
tsan: deps
	@$(MAKE) --no-print-directory SANITIZE=thread build
	@$(MAKE) --no-print-directory SANITIZE=thread tsan-run
# Code under TSan runs 5-15 times slower: Check's per-test timeouts are stretched.
tsan-run:
	$(TEST_ENV) CK_TIMEOUT_MULTIPLIER=4 $(RUNNER) unit
	$(TEST_ENV) CK_TIMEOUT_MULTIPLIER=4 $(RUNNER) all $(TSAN_E2E)

# The multi-host test alone (network namespaces; needs root). `make test` runs it too.
test-cluster: deps
	@$(MAKE) --no-print-directory build
	$(TEST_ENV) DOCPROC_REQUIRE_NETNS=1 $(RUNNER) all e2e_cluster

run: deps
	@$(MAKE) --no-print-directory build
	@config/run.sh $(CURDIR)/$(BUILD)

valgrind: deps
	@$(MAKE) --no-print-directory build
	$(TEST_ENV) CK_FORK=no valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
	  --suppressions=tests/valgrind.supp $(RUNNER) unit

# ---- fuzzing: tests/fuzz/fuzz_NAME.c harnesses, built by a clang sub-make (BUILD=build-fuzz) with
# coverage + ASan + UBSan, each run FUZZ_SECONDS on build-fuzz/corpus/NAME plus generated seeds.
FUZZ_SECONDS ?= 20
FUZZ_DIR  := build-fuzz
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(FUZZ_DIR)/%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
FUZZ_MAKE := $(MAKE) --no-print-directory CC=clang BUILD=$(FUZZ_DIR) \
             SANITIZE=fuzzer-no-link,address,undefined

$(FUZZ_DIR)/%: tests/fuzz/%.c $(LIB)
	@$(if $(V),,echo "  FUZZ    $@")
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) $(if $(filter fuzz_%,$*),-fsanitize=fuzzer) -o $@ $< $(LIB) \
	  $(PKG_LIBS)

fuzz-bins: $(FUZZ_BINS) $(FUZZ_DIR)/seeds
	@:

fuzz: deps
	@command -v clang >/dev/null 2>&1 || { \
	  echo "fuzz: clang is not installed; the harnesses need clang's libFuzzer:"; \
	  echo "fuzz:   apt-get install clang     (then: make fuzz FUZZ_SECONDS=$(FUZZ_SECONDS))"; exit 1; }
	@$(FUZZ_MAKE) fuzz-bins
	@$(FUZZ_DIR)/seeds $(FUZZ_DIR)/seeds.d
	@for f in $(FUZZ_BINS); do n=$${f##*/fuzz_}; mkdir -p $(FUZZ_DIR)/corpus/$$n $(FUZZ_DIR)/seeds.d/$$n; \
	  echo "fuzz: $$n for $(FUZZ_SECONDS) s (log $(FUZZ_DIR)/$$n.log)"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) -timeout=25 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_DIR)/crash-$$n- $(FUZZ_DIR)/corpus/$$n $(FUZZ_DIR)/seeds.d/$$n \
	    > $(FUZZ_DIR)/$$n.log 2>&1 || { tail -n 40 $(FUZZ_DIR)/$$n.log; echo "fuzz: $$n FAILED"; exit 1; }; \
	  grep -E '^(stat::number_of_executed_units|Done)' $(FUZZ_DIR)/$$n.log; done

BANNED := '\b(sprintf|vsprintf|strcpy|strcat|strtok|atoi|atol|gets)[[:space:]]*\('
lint:
	@command -v clang-format >/dev/null || { echo "lint: clang-format missing (make deps)"; exit 1; }
	clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')
	@if grep -nE $(BANNED) $$(git ls-files '*.c' '*.h'); then echo "lint: banned function (STYLE.md rule 5)"; exit 1; fi
	@$(MAKE) --no-print-directory $(BUILD)/docproc-api >/dev/null
	@config/gen-docproc-conf.sh $(BUILD) | cmp -s - config/docproc.conf || \
	  { echo "lint: config/docproc.conf is stale: config/gen-docproc-conf.sh $(BUILD) > config/docproc.conf"; exit 1; }
	@echo "lint: ok"
format:
	clang-format -i $$(git ls-files '*.c' '*.h')

# A host install for the systemd units (docs/DEPLOY.md): programs, dashboard, units, and the
# config file when none is there yet. DESTDIR for packaging.
PREFIX ?= /usr/local
install: build
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/docproc/web \
	  $(DESTDIR)$(PREFIX)/share/doc/docproc $(DESTDIR)/etc/systemd/system \
	  $(DESTDIR)/etc/docproc $(DESTDIR)/usr/lib/sysusers.d
	install -m 0755 $(PROGS) $(DESTDIR)$(PREFIX)/bin/
	cp -r web/. $(DESTDIR)$(PREFIX)/share/docproc/web/
	install -m 0644 nginx/gen-conf.sh $(DESTDIR)$(PREFIX)/share/docproc/
	install -m 0644 config/systemd/*.service config/systemd/*.target $(DESTDIR)/etc/systemd/system/
	install -m 0644 config/systemd/docproc.sysusers $(DESTDIR)/usr/lib/sysusers.d/docproc.conf
	install -m 0644 docs/DEPLOY.md $(DESTDIR)$(PREFIX)/share/doc/docproc/
	[ -e $(DESTDIR)/etc/docproc/docproc.conf ] || install -m 0640 config/docproc.conf $(DESTDIR)/etc/docproc/

clean:
	rm -rf build build-san build-tsan build-fuzz

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)

# ---- measuring tools (not part of make test): make eval DATA=dir, make bench ----
# Sources under tests/tools/ (kept out of the Check runner); they link the e2e harness.
BENCH_SRC := $(sort $(wildcard tests/tools/bench*.c))
TOOL_OBJ  := $(call obj,tests/harness.c tests/harness_http.c tests/fixtures.c)
DATA      ?= ../shared/data
EVAL_ARGS ?=
BENCH_ARGS ?=

$(BUILD)/docproc-eval: $(call obj,$(EVAL_SRC)) $(TOOL_OBJ) $(LIB)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)
$(BUILD)/docproc-bench: $(call obj,$(BENCH_SRC)) $(TOOL_OBJ) \
                        $(call obj,workers/worker_ocr.c workers/worker_png.c workers/worker_layout.c) $(LIB)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

# docproc-probe: the worker's reading in one process, configurations interleaved (probe_read.c)
$(BUILD)/docproc-probe: $(call obj,tests/tools/probe_read.c tests/tools/probe_common.c) $(APP_OBJ) $(LIB)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)
# docproc-formprobe: the same over FUNSD's forms or Tesseract's test pages, OCR words scored
# as docproc-eval scores them (probe_forms.c)
$(BUILD)/docproc-formprobe: $(call obj,tests/tools/probe_forms.c tests/tools/probe_common.c $(filter-out %eval_main.c,$(EVAL_SRC))) \
                            $(TOOL_OBJ) $(APP_OBJ) $(LIB)
	@$(if $(V),,echo "  LD      $@")
	$(Q)$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

eval: deps
	@$(MAKE) --no-print-directory $(PROGS) $(BUILD)/docproc-eval
	$(TEST_ENV) $(BUILD)/docproc-eval $(EVAL_ARGS) $(DATA)
# The learned key-value pairing model, from the FUNSD development forms 1-100 (held out: the
# rest): KV_SRC "words" (the annotations' words) and/or --results folders of a full eval run
# (OCR words), comma-separated; the first also chooses the thresholds (docs/EVAL.md).
KV_SRC ?= words
train-kv: $(BUILD)/docproc-eval
	$(BUILD)/docproc-eval --kv-train config/kv_model.txt --kv-offline $(KV_SRC) $(DATA)
bench: deps
	@$(MAKE) --no-print-directory $(PROGS) $(BUILD)/docproc-bench
	$(TEST_ENV) $(BUILD)/docproc-bench $(BENCH_ARGS)
# What the stunnel TLS tunnel to Redis (config/redis-tunnel.sh) adds per round trip.
bench-tunnel:
	tests/tools/tunnel-bench.sh
