"""The leadership appraisal (领导班子和领导干部, 一述双评, DOMAIN.md §7.4): the team per year, the
述职 reports, the four-group poll with single-use links, the office's overrides, feedback and the
printable appraisal form. The pure rules are ``scoring.leadership_rules``; the stage of the year's
computation ``scoring.leadership_engine``; the result tables live with the other results in
``scoring.models``."""
