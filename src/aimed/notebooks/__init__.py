"""What an exercise notebook imports: display helpers and tables laid out from the engines."""
