variable "name" {
  description = "Name prefix of the keys' aliases."
  type        = string
}
