"""Routine appraisal by quarters (平时考核, the Hulunbuir practice; DOMAIN.md §4, §5, §7.2): the
quarterly summary with self-evaluation, peer evaluation of the same category, the superior's comment
and grade, reminder talks; the year-end 述职 of everyone and the development plan of the development
file. The pure rules are ``scoring.routine.rules``; docs/routine.md describes them."""
