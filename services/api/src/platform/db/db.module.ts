// Provides the Database (app role) to every module; closes the pool on shutdown.
import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { ENV } from '../../config/env.module.js';
import type { Env } from '../../config/env.js';
import { Database } from './database.js';

@Global()
@Module({
  providers: [
    {
      provide: Database,
      inject: [ENV],
      useFactory: (env: Env) => new Database(env.DATABASE_URL, env.DATABASE_POOL_SIZE),
    },
  ],
  exports: [Database],
})
export class DbModule implements OnApplicationShutdown {
  constructor(@Inject(Database) private readonly db: Database) {}

  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}
