# Customer Segmentation for Odoo 18.0: set-up, demo, tests, lint and benchmark.
# `make demo` and `make test` install whatever is missing first.
SHELL := /bin/bash
PORT ?= 8069

.PHONY: setup demo test test-odoo lint pot bench clean
setup:
	@bash scripts/setup.sh

demo: setup
	@PORT=$(PORT) bash scripts/demo.sh

test: setup
	@bash scripts/test.sh

# Odoo's own suites of crm, contacts, mass_mailing, sale and account, without
# and with the addon, side by side (long: account alone takes hours).
test-odoo: setup
	@bash scripts/test_odoo.sh

lint: setup
	@bash scripts/lint.sh

pot: setup
	@bash scripts/pot.sh

bench: setup
	@bash bench/run.sh

clean:
	rm -rf .build .venv
