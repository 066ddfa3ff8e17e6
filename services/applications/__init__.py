"""The back office: verifiers review registration applications, decide, and the applicant is told.

No Rasa imports: the console (screens), the action server (resubmission, status check) and
analysts' tools share this package. The status machine is in `workflow`, the CEIDG-1 field
catalogue (labels, form slots, export names) in `catalogue`, checks re-run on opening in `checks`,
the export layout in `export`, documents in `documents`, messages to the applicant in `notify`.
"""
