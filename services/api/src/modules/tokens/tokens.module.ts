import { Module } from '@nestjs/common';
import { TokensRepository } from './tokens.repository.js';
import { TokensResolver } from './tokens.resolver.js';
import { TokensService } from './tokens.service.js';

@Module({ providers: [TokensRepository, TokensService, TokensResolver], exports: [TokensService] })
export class TokensModule {}
