"""The one error the rules engine raises on bad input."""


class RulesInputError(ValueError):
    """Input the engine cannot decide on: unknown programme, criterion or fact; a fact of the
    wrong type or out of range; a request that is not the expected JSON shape.

    The message is in Chinese, written for the person who sent the input.
    """
