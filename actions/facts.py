"""Reading the facts a message states, for the two assessment dialogues.

One message may state several facts in any order ("七项发明专利，研发团队三十人，营收两千万"),
answer the question just asked with a bare "是" or "30", or say nothing usable. The layers:

- actions/message.py: negation and its scope, yes/no in their many forms;
- actions/numbers.py: numerals (cn2an), amounts with their unit, ranges and approximations;
- actions/figures.py: which fact a figure is about, and whether a range decides it;
- actions/talent_reader.py and actions/partner_reader.py: each programme's facts and criteria.

The catalogue (actions/catalogue.py, from knowledge/rules/*.yml) says what each fact is.
"""
from actions.partner_reader import read_partner
from actions.reading import Reading
from actions.talent_reader import read_talent

__all__ = ["Reading", "read_partner", "read_talent"]
