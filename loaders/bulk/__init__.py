"""Streaming parsers for bulk event data sets (ICEWS18, ICEWS, GDELT 1.0/2.0, ACLED).

Each parser yields `records.BulkEvent` or `records.RejectedRow`, one per input row, so a
file of any size is read in constant memory and no row is ever dropped without a reason.
`detect.detect_format` tells the formats apart; `detect.parse_auto` dispatches on it.
"""
