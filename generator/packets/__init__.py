"""Packets and rosters, standing on the core: packet files, participants, stamping their details
onto pages laid out once, the batch pool and the print file."""
