# Clauses: the two source documents parsed into the units every answer cites.
.PHONY: derived
derived: $(BUILD)/clauses.json

$(BUILD)/clauses.json: knowledge/sources/*.txt knowledge/*.py .venv-serve/.installed
	@mkdir -p $(BUILD)
	$(SERVE_PY) -m knowledge clauses > $@.tmp && mv $@.tmp $@
