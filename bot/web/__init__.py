"""The coordinator's web desk (*bàn làm việc trên web*)."""
