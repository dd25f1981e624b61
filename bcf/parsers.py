"""The API's JSON parser: DRF's, with JSON nested too deeply to parse (Python's decoder
recurses once per level, and gives up past about a thousand) refused as a bad body (400)
rather than answered with a 500."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError("JSON parse error - the body is nested too deeply.") from error
