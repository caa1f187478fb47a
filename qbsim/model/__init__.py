"""qbsim's company model: state and rules, no XML (the wire layer owns that)."""
