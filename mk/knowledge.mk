# Clauses: the two source documents parsed into the units every answer cites.
.PHONY: derived
derived: $(BUILD)/clauses.json

$(BUILD)/clauses.json: knowledge/sources/*.txt knowledge/*.py .venv/.installed
	@mkdir -p $(BUILD)
	$(PY) -m knowledge clauses > $@.tmp && mv $@.tmp $@
