# danvan-eval — the two commands of the README: `make demo` and `make test`.
# Both create .venv when missing, install the project (and, as root, the Debian packages the tests need).
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
APT_PACKAGES := chromium fonts-dejavu-core libreoffice-writer-nogui poppler-utils openssl nginx-light
YEAR   ?= 2026

.PHONY: demo test install system-deps bench clean-outputs

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	# rfc3987-syntax builds a grammar at import: ~0.75 s more for every Jupyter process; nothing needs it.
	$(BIN)/python -m pip uninstall -y -q rfc3987-syntax || true
	touch $(STAMP)

# Debian packages for the browser test (Chromium), the report rendering (LibreOffice, pdftoppm) and the office
# dashboard's HTTPS tests (openssl, nginx: docs/office/nginx.conf is run by tests/test_dashboard_office.py).
system-deps:
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v soffice >/dev/null || missing="$$missing libreoffice-writer-nogui"; \
	command -v pdftoppm >/dev/null || missing="$$missing poppler-utils"; \
	[ -e /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	command -v openssl >/dev/null || missing="$$missing openssl"; \
	command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing="$$missing nginx-light"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Cài đặt / installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "Thiếu gói hệ thống / missing system packages:$$missing (cần quyền root / need root)"; fi; \
	fi

demo: install
	# the years the demo evaluation needs first: 2022-2024 (Bình Định, the continuity series) and 2025 (last year)
	$(BIN)/danvan-eval score --year 2022
	$(BIN)/danvan-eval score --year 2023
	$(BIN)/danvan-eval score --year 2024
	$(BIN)/danvan-eval score --year 2025
	$(BIN)/danvan-eval run --year $(YEAR)
	$(BIN)/danvan-eval report --year $(YEAR)
	@echo ""
	@echo "Kết quả năm $(YEAR) / outputs of $(YEAR): $(CURDIR)/outputs/$(YEAR)/"
	@echo "  Báo cáo từng đơn vị / unit reports: outputs/$(YEAR)/units/*.html"
	@echo "  Báo cáo toàn tỉnh / province report: outputs/$(YEAR)/province.html"
	@echo "  Kiểm định phương pháp / methodology audit: outputs/$(YEAR)/methodology_audit.html"
	@echo "  Dự thảo báo cáo gửi UBND tỉnh / draft report (.docx): outputs/$(YEAR)/bao-cao-chi-thi-33-$(YEAR).docx"
	@echo "  Dự thảo gửi Bộ Nội vụ / to the Ministry: outputs/$(YEAR)/bao-cao-chi-thi-33-$(YEAR)-bo-noi-vu.docx"
	@echo "  Bảng điều khiển / dashboard: $(BIN)/danvan-eval dashboard"

# two pytest workers (pytest-xdist): the suite's notebooks, kernels and browser leave a core idle in one process
test: install system-deps
	$(BIN)/python -m pytest -q -n 2

bench: install
	for b in benchmarks/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean-outputs:
	find outputs -mindepth 1 ! -name .gitkeep -exec rm -rf {} +
