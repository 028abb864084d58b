# Eligibility rules: decision speed (the rules themselves are tested by pytest).
.PHONY: bench-rules
BENCH_STEPS += bench-rules
bench-rules:
	@$(PY) -m bench.rules
