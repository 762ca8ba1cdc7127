"""What the web desk shows and does (*bàn làm việc*), independent of HTTP."""
