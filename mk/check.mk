# mk/check.mk: the checks of `make check` besides the suite: the
# freestanding build, the headers, a knob, the published sizes, the
# README's example and the exported symbols. (check-layering is in
# mk/lib.mk, beside the source lists it reads.)

.PHONY: check-freestanding check-headers check-knobs check-sizes check-readme check-exports \
        check-docs

# The core and the bare backend built freestanding must reference no
# library function but memcpy, memset, memmove and memcmp. (Built as
# position-dependent code, as firmware is: a host compiler that makes
# PIE by default would reach other files' functions through a GOT.)
FREE_INC = $(shell d=$$($(CC) -print-file-name=include); \
    [ -f "$$d/stddef.h" ] || d=$$($(CC) -print-resource-dir)/include; echo $$d)
## check-freestanding: the core and bare built freestanding reference only mem*
check-freestanding:
	@mkdir -p $(BUILDDIR)/free
	@for f in $(FREE_SRC); do \
	    o=$(BUILDDIR)/free/$$(basename $$(dirname $$f))_$$(basename $$f .c).o; \
	    $(CC) -std=c99 $(WARN) -Os -ffreestanding -fno-builtin -fno-pie \
	        -nostdinc -isystem $(FREE_INC) -Iinclude $(FREE_CPPFLAGS) \
	        -c $$f -o $$o || exit 1; \
	done
	@$(NM) --defined-only $(BUILDDIR)/free/*.o | awk 'NF == 3 {print $$3}' | \
	    sort -u > $(BUILDDIR)/free/defined
	@bad=$$($(NM) -u $(BUILDDIR)/free/*.o | awk 'NF >= 2 {print $$2}' | \
	    sort -u | comm -23 - $(BUILDDIR)/free/defined | \
	    grep -vxE 'memcpy|memset|memmove|memcmp' || true); \
	if [ -n "$$bad" ]; then echo "core references: $$bad"; exit 1; fi
	@echo "== freestanding core and bare: OK (nm -u lists nothing outside mem*)"

## check-headers: each public header compiles alone as C99, C11 and C++
check-headers:
	@mkdir -p $(BUILDDIR)/headers
	@for h in $(HEADERS); do \
	    n=$$(echo $$h | sed 's|include/||'); \
	    printf '#include <%s>\ntypedef int hop_header_check;\n' "$$n" > $(BUILDDIR)/headers/h.c; \
	    for std in c99 c11; do \
	        $(CC) -std=$$std $(WARN) -Iinclude -fsyntax-only \
	            $(BUILDDIR)/headers/h.c || exit 1; \
	    done; \
	    $(CXX) -std=c++11 -Wall -Wextra -Werror -Iinclude -fsyntax-only \
	        -x c++ $(BUILDDIR)/headers/h.c || exit 1; \
	done
	@echo "== headers: each compiles alone as C99, C11 and C++"

## check-knobs: HOP_CONF_ERROR_NAMES=0, which the suite does not run with
# (the suite's traces print error names).
check-knobs:
	@mkdir -p $(BUILDDIR)/knobs
	@$(CC) -std=c99 $(WARN) -Iinclude $(FREE_CPPFLAGS) -DHOP_CONF_ERROR_NAMES=0 \
	    test/tools/error_names_off.c $(ERROR_SRC) \
	    -o $(BUILDDIR)/knobs/error_names_off
	@$(BUILDDIR)/knobs/error_names_off
	@echo "== knobs: HOP_CONF_ERROR_NAMES=0 answers as documented"

## check-sizes: the sizes doc/reference publishes are the real ones
# (and hop_task's with HOP_CONF_TASK_NAMES=0 too).
check-sizes: $(BUILDDIR)/sizes $(BUILDDIR)/sizes-names0
	@$(BUILDDIR)/sizes | while read name size; do \
	    if ! grep -q "^| \`$$name\` | $$size |" doc/reference/*.md; then \
	        echo "doc/reference: sizeof($$name) is $$size here"; \
	        exit 1; \
	    fi; \
	done
	@size=$$($(BUILDDIR)/sizes-names0 | awk '$$1 == "hop_task" {print $$2}'); \
	grep -q "^| \`hop_task\`, \`HOP_CONF_TASK_NAMES=0\` | $$size |" \
	    doc/reference/task.md || { \
	    echo "doc/reference: sizeof(hop_task) is $$size with HOP_CONF_TASK_NAMES=0"; \
	    exit 1; }
	@echo "== published sizes: OK"

$(BUILDDIR)/sizes: test/tools/sizes.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(CFLAGS) $(HOP_CFLAGS) $< -o $@

$(BUILDDIR)/sizes-names0: test/tools/sizes.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(call say,CC,$< [HOP_CONF_TASK_NAMES=0])
	$(Q)$(CC) $(CFLAGS) $(HOP_CFLAGS) -DHOP_CONF_TASK_NAMES=0 $< -o $@

## check-readme: README.md's example compiles, runs and prints what it shows
check-readme: $(STATIC_LIB)
	@mkdir -p $(BUILDDIR)/readme
	@sed -n '/<!-- example -->/,/<!-- end -->/p' README.md | \
	    sed -n '/^```c$$/,/^```$$/p' | sed '1d;$$d' > $(BUILDDIR)/readme/example.c
	@sed -n '/<!-- output -->/,/<!-- end -->/p' README.md | \
	    sed -n '/^```$$/,/^```$$/p' | sed '1d;$$d' > $(BUILDDIR)/readme/expected
	@$(CC) $(CFLAGS) $(HOP_CFLAGS) $(BUILDDIR)/readme/example.c $(STATIC_LIB) \
	    $(EVENT_LIBS) -o $(BUILDDIR)/readme/example
	@$(BUILDDIR)/readme/example > $(BUILDDIR)/readme/got
	@diff -u $(BUILDDIR)/readme/expected $(BUILDDIR)/readme/got
	@echo "== README example: OK"

## check-exports: the shared library exports hop_* and nothing else
check-exports: $(SHARED_LIB)
	@bad=$$($(NM) -D --defined-only $(SHARED_LIB) | awk '{print $$3}' | \
	    grep -v '^hop_' || true); \
	if [ -n "$$bad" ]; then echo "exported: $$bad"; exit 1; fi
	@echo "== exports: only hop_*"

## check-docs: every public function and macro has an entry in doc/reference/
check-docs:
	@sh test/tools/documented.sh
